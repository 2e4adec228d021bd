/** The photo sent to the server and drawn by the renderer. */
export const PHOTO_WIDTH = 512;
export const PHOTO_HEIGHT = 640;

/** The oval guide, in fractions of the photo (which is exactly what the preview frame shows). */
export const GUIDE = { cx: 0.5, cy: 0.52, rx: 0.3, ry: 0.33, eyesY: 0.45, mouthY: 0.73 } as const;

export interface Photo {
  jpeg: Blob;
  /** the same pixels, decoded, for the renderer */
  bitmap: ImageBitmap;
}

/** Webcam preview and capture. The preview is mirrored (people know their mirror image), and so is the photo. */
export class Camera {
  private stream: MediaStream | null = null;
  /** bumped by stop(): a start() still waiting for the device must not open the camera after it */
  private epoch = 0;

  async start(video: HTMLVideoElement): Promise<void> {
    if (!this.stream) {
      const epoch = this.epoch;
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } },
        audio: false,
      });
      if (epoch !== this.epoch || this.stream) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      this.stream = stream;
    }
    video.srcObject = this.stream;
    video.muted = true;
    video.playsInline = true;
    await video.play();
    if (video.videoWidth === 0) {
      await new Promise((resolve) => video.addEventListener("loadeddata", resolve, { once: true }));
    }
  }

  stop(video?: HTMLVideoElement): void {
    this.epoch++;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    if (video) video.srcObject = null;
  }

  /** Crops the preview frame (the centred PHOTO_WIDTH:PHOTO_HEIGHT region of the video) into a JPEG. */
  async capture(video: HTMLVideoElement, into: HTMLCanvasElement): Promise<Photo> {
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    if (vw === 0 || vh === 0) throw new Error("the camera has no picture yet");
    const aspect = PHOTO_WIDTH / PHOTO_HEIGHT;
    const sw = vw / vh > aspect ? vh * aspect : vw;
    const sh = vw / vh > aspect ? vh : vw / aspect;
    into.width = PHOTO_WIDTH;
    into.height = PHOTO_HEIGHT;
    const ctx = into.getContext("2d");
    if (!ctx) throw new Error("no 2d canvas");
    ctx.save();
    ctx.translate(PHOTO_WIDTH, 0);
    ctx.scale(-1, 1);
    ctx.drawImage(video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, PHOTO_WIDTH, PHOTO_HEIGHT);
    ctx.restore();
    const jpeg = await new Promise<Blob>((resolve, reject) =>
      into.toBlob((b) => (b ? resolve(b) : reject(new Error("JPEG encoding failed"))), "image/jpeg", 0.9),
    );
    return { jpeg, bitmap: await createImageBitmap(into) };
  }
}
