import { BinaryKind, MIC_SAMPLE_RATE, int16ToBytes, type Language, type ServerMessageOf } from "@mirror/protocol";
import type { MicCapture } from "./audio/capture.js";
import { SAMPLE_LIMITS, analyzeSample, trimSilence } from "./audio/sample-check.js";
import { SampleRecorder } from "./audio/sample-recorder.js";
import { Camera, type Photo } from "./camera.js";
import type { FacePhoto } from "./face/face-photo.js";
import { isTextKey } from "./i18n.js";
import type { FaceModel } from "./renderer/face-model.js";
import type { FaceRenderer } from "./renderer/renderer.js";
import type { KioskSocket } from "./socket.js";
import type { KioskView } from "./view.js";

export interface CaptureEvents {
  photoAccepted(): void;
  sampleAccepted(): void;
  fail(message: string): void;
}

/**
 * The capture steps: webcam photo (sent with the face layout of the guide), then the voice sample (checked here
 * first, then by the server, which has the last word). Holds the photo until the visit is wiped.
 */
export class CaptureFlow {
  private readonly camera = new Camera();
  private readonly recorder: SampleRecorder;
  private photo: Photo | null = null;
  /** the double's mesh, built from the photo's landmarks */
  private faceModel: FaceModel | null = null;
  private awaiting: "photo" | "sample" | null = null;
  private sentences: Partial<Record<Language, string>> = {};

  constructor(
    private readonly view: KioskView,
    private readonly socket: KioskSocket,
    private readonly mic: MicCapture,
    private readonly renderer: FaceRenderer | null,
    private readonly face: FacePhoto,
    private readonly events: CaptureEvents,
  ) {
    this.recorder = new SampleRecorder(mic);
  }

  /** The sentences the server wants read, per language. */
  setSentences(sentences: Partial<Record<Language, string>>): void {
    this.sentences = sentences;
    this.showSentence();
  }

  showSentence(): void {
    this.view.sample.sentence(this.sentences[this.view.language] ?? this.view.t("sample.sentence"));
  }

  // ---------- photo ----------

  openCamera(message = ""): void {
    this.view.photo.live(message);
    this.face.preload((msg) => this.events.fail(msg));
    this.camera
      .start(this.view.photo.video)
      .then(() => this.view.photo.cameraReady())
      .catch((e: unknown) => {
        this.events.fail(`camera: ${String(e)}`);
        this.view.photo.live(this.view.t("photo.noCamera"));
      });
  }

  closeCamera(): void {
    this.camera.stop(this.view.photo.video);
  }

  takePhoto(): void {
    const { video, still } = this.view.photo;
    this.view.photo.checking(this.view.t("photo.checking"));
    this.camera
      .capture(video, still)
      .then(async (photo) => {
        this.closeCamera();
        this.photo?.bitmap.close();
        this.photo = photo;
        // one face, big enough, frontal enough, lit: checked here first, then again by the server
        const found = await this.face.analyse(photo.bitmap);
        if (!found.ok) {
          if (found.error) this.events.fail(`face detector: ${found.error}`);
          return this.retakePhoto(this.view.t(`face.${found.problem}`));
        }
        this.faceModel = found.model;
        const bytes = new Uint8Array(await photo.jpeg.arrayBuffer());
        this.awaiting = "photo";
        this.socket.send({ type: "photo-meta", mime: "image/jpeg", face: found.layout });
        this.socket.sendBinary(BinaryKind.photo, bytes);
      })
      .catch((e: unknown) => {
        this.events.fail(`photo: ${String(e)}`);
        this.retakePhoto("");
      });
  }

  photoResult(m: ServerMessageOf<"photo-result">): void {
    if (this.awaiting !== "photo") return;
    this.awaiting = null;
    if (!m.ok || !this.photo || !this.faceModel) return this.retakePhoto(m.message);
    this.renderer?.setFace(this.photo.bitmap, this.faceModel);
    this.events.photoAccepted();
  }

  // ---------- voice sample ----------

  openSample(autostart: boolean): void {
    this.showSentence();
    this.view.sample.set("ready");
    if (autostart) this.recordSample();
    else this.mic.start().catch((e: unknown) => this.events.fail(`microphone: ${String(e)}`));
  }

  closeSample(): void {
    this.recorder.cancel();
  }

  recordSample(): void {
    const screen = this.view.sample;
    screen.set("recording", this.view.t("sample.listening"));
    this.mic
      .start()
      .then(async () => {
        const pcm = await this.recorder.record((l) =>
          screen.level(l.rmsDbfs, l.elapsedMs / SAMPLE_LIMITS.maxMs, l.speaking),
        );
        if (!pcm) return;
        const [problem] = analyzeSample(pcm, MIC_SAMPLE_RATE).problems;
        if (problem) return screen.set("retry", this.view.t(`problem.${problem}`));
        screen.set("checking", this.view.t("sample.checking"));
        this.awaiting = "sample";
        this.socket.sendBinary(BinaryKind.voiceSample, int16ToBytes(trimSilence(pcm, MIC_SAMPLE_RATE)));
      })
      .catch((e: unknown) => {
        this.events.fail(`microphone: ${String(e)}`);
        screen.set("retry", this.view.t("sample.noMic"));
      });
  }

  sampleResult(m: ServerMessageOf<"sample-result">): void {
    if (this.awaiting !== "sample") return;
    this.awaiting = null;
    if (m.ok) return this.events.sampleAccepted();
    const key = `problem.${m.problems[0] ?? ""}`;
    this.view.sample.set("retry", isTextKey(key) ? this.view.t(key) : m.message);
  }

  /** A server error while a capture was being checked: let the visitor try that step again. */
  serverError(message: string): void {
    if (this.awaiting === "photo") {
      this.awaiting = null;
      this.retakePhoto(message);
    } else if (this.awaiting === "sample") {
      this.awaiting = null;
      this.view.sample.set("retry", message);
    }
  }

  /** Drops the photo and any recording in progress; stops the camera. */
  wipe(): void {
    this.recorder.cancel();
    this.closeCamera();
    this.photo?.bitmap.close();
    this.photo = null;
    this.faceModel = null;
    this.awaiting = null;
    this.view.photo.clear();
    this.view.sample.set("ready");
  }

  private retakePhoto(message: string): void {
    this.photo?.bitmap.close();
    this.photo = null;
    this.faceModel = null;
    this.view.photo.clear();
    this.openCamera(message || this.view.t("photo.retake"));
  }
}
