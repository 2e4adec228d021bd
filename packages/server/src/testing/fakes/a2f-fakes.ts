/**
 * Local stand-ins for NVIDIA Audio2Face, serving the official gRPC interfaces on 127.0.0.1:
 * - the legacy Omniverse streaming player (PushAudio / PushAudioStream): records every call's start marker,
 *   audio (float32) and whether the client cancelled; answers success=false for malformed streams, as A2F does;
 * - the Audio2Face-3D controller (ProcessAudioStream): checks the header (PCM16 mono, 16–144 kHz), then streams
 *   back a header with 68 blendshape names (ARKit 52 in Unreal's order, then tongue shapes) and 30 fps frames with
 *   time codes as audio arrives — jaw, lips and brows following the audio's loudness — then the
 *   END_OF_A2F_AUDIO_PROCESSING event and a SUCCESS status.
 */
import * as grpc from "@grpc/grpc-js";
import { a2f3dService, legacyA2fService, type A2f3dAnimationDataStream, type A2f3dAudioStream, type PushAudioResponse, type PushAudioStreamRequest } from "../../sinks/a2f/protos.js";

export interface LegacyCall {
  kind: "push" | "stream";
  instanceName: string;
  samplerate: number;
  block: boolean;
  audio: Float32Array[];
  cancelled: boolean;
  /** when the server saw the call end (ms, performance.now()) */
  endedAt: number | null;
  response: PushAudioResponse | null;
}

async function listen(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
}

function floats(b: Buffer): Float32Array {
  const copy = new Uint8Array(b);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

export class FakeA2fLegacy {
  readonly calls: LegacyCall[] = [];
  private readonly server = new grpc.Server();
  address = "";
  private listeners: Array<() => void> = [];

  async start(): Promise<this> {
    this.server.addService(legacyA2fService().service, {
      PushAudio: (call: grpc.ServerUnaryCall<{ instance_name: string; samplerate: number; audio_data: Buffer; block_until_playback_is_finished: boolean }, PushAudioResponse>, cb: grpc.sendUnaryData<PushAudioResponse>) => {
        const r = call.request;
        const response = r.samplerate > 0 ? { success: true, message: "" } : { success: false, message: "samplerate must be positive" };
        this.calls.push({ kind: "push", instanceName: r.instance_name, samplerate: r.samplerate, block: r.block_until_playback_is_finished, audio: [floats(r.audio_data)], cancelled: false, endedAt: performance.now(), response });
        this.notify();
        cb(null, response);
      },
      PushAudioStream: (call: grpc.ServerReadableStream<PushAudioStreamRequest, PushAudioResponse>, cb: grpc.sendUnaryData<PushAudioResponse>) => {
        const rec: LegacyCall = { kind: "stream", instanceName: "", samplerate: 0, block: false, audio: [], cancelled: false, endedAt: null, response: null };
        this.calls.push(rec);
        let first = true;
        let problem: string | null = null;
        call.on("data", (m: PushAudioStreamRequest) => {
          if (first) {
            first = false;
            if (m.request !== "start_marker" || !m.start_marker) problem = "First item in the request should contain start_marker";
            else {
              rec.instanceName = m.start_marker.instance_name;
              rec.samplerate = m.start_marker.samplerate;
              rec.block = m.start_marker.block_until_playback_is_finished;
              if (rec.samplerate <= 0) problem = "samplerate must be positive";
            }
          } else if (m.request === "audio_data" && m.audio_data) rec.audio.push(floats(m.audio_data));
          else problem ??= "only audio_data may follow the start_marker";
          this.notify();
        });
        call.on("cancelled", () => {
          rec.cancelled = true;
          rec.endedAt ??= performance.now();
          this.notify();
        });
        call.on("end", () => {
          rec.endedAt ??= performance.now();
          // a client cancel ends the readable side first; the "cancelled" event follows
          setImmediate(() => {
            if (call.cancelled || rec.cancelled) {
              rec.cancelled = true;
              return this.notify();
            }
            respond();
          });
        });
        const respond = () => {
          rec.response = problem ? { success: false, message: problem } : { success: true, message: "" };
          this.notify();
          cb(null, rec.response);
        };
      },
    });
    this.address = `127.0.0.1:${await listen(this.server)}`;
    return this;
  }

  /** Resolves when `pred` holds (checked on every message), or rejects after `ms`. */
  until(pred: () => boolean, ms = 2000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("fake A2F: condition not met in time")), ms);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve();
      };
      this.listeners.push(check);
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  async close(): Promise<void> {
    this.server.forceShutdown();
  }
}

/** The 68 names recent A2F-3D versions return: ARKit 52 in Unreal's order (PascalCase), then tongue shapes. */
export const A2F3D_BLENDSHAPES = [
  "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft", "EyeWideLeft",
  "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight", "EyeSquintRight", "EyeWideRight",
  "JawForward", "JawLeft", "JawRight", "JawOpen", "MouthClose", "MouthFunnel", "MouthPucker", "MouthLeft", "MouthRight",
  "MouthSmileLeft", "MouthSmileRight", "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight",
  "MouthStretchLeft", "MouthStretchRight", "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper",
  "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft", "MouthUpperUpRight",
  "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight", "CheekPuff", "CheekSquintLeft",
  "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
  "TongueTipUp", "TongueTipDown", "TongueTipLeft", "TongueTipRight", "TongueRollUp", "TongueRollDown", "TongueRollLeft", "TongueRollRight",
  "TongueUp", "TongueDown", "TongueLeft", "TongueRight", "TongueIn", "TongueStretch", "TongueWide", "TongueNarrow",
] as const;

export interface A2f3dCall {
  header: A2f3dAudioStream["audio_stream_header"] | null;
  samples: number;
  chunks: number;
  endOfAudio: boolean;
  cancelled: boolean;
  framesSent: number;
  error: string | null;
}

const A2F_FPS = 30;

export class FakeA2f3d {
  readonly calls: A2f3dCall[] = [];
  private readonly server = new grpc.Server();
  address = "";

  constructor(private readonly opts: { /** extra delay before each frame batch, ms */ latencyMs?: number } = {}) {}

  async start(): Promise<this> {
    this.server.addService(a2f3dService().service, {
      ProcessAudioStream: (call: grpc.ServerDuplexStream<A2f3dAudioStream, A2f3dAnimationDataStream>) => this.serve(call),
    });
    this.address = `127.0.0.1:${await listen(this.server)}`;
    return this;
  }

  private serve(call: grpc.ServerDuplexStream<A2f3dAudioStream, A2f3dAnimationDataStream>): void {
    const rec: A2f3dCall = { header: null, samples: 0, chunks: 0, endOfAudio: false, cancelled: false, framesSent: 0, error: null };
    this.calls.push(rec);
    let rate = 16000;
    let pcm = new Int16Array(0);
    let nextFrame = 0;
    const fail = (message: string) => {
      rec.error = message;
      call.write({ status: { code: "ERROR", message } });
      call.end();
    };
    const emit = (final: boolean) => {
      const per = rate / A2F_FPS;
      const weights: Array<{ time_code: number; values: number[] }> = [];
      while ((nextFrame + 1) * per <= pcm.length || (final && nextFrame * per < pcm.length)) {
        const a = Math.round(nextFrame * per);
        const b = Math.min(pcm.length, Math.round((nextFrame + 1) * per));
        let sum = 0;
        for (let i = a; i < b; i++) sum += (pcm[i]! / 32768) ** 2;
        const level = Math.min(1, Math.sqrt(sum / Math.max(1, b - a)) * 8);
        const values = A2F3D_BLENDSHAPES.map((n) =>
          n === "JawOpen" ? 0.7 * level : n === "MouthLowerDownLeft" || n === "MouthLowerDownRight" ? 0.3 * level : n === "BrowInnerUp" ? 0.1 * level : n === "TongueUp" ? 0.2 * level : 0,
        );
        weights.push({ time_code: nextFrame / A2F_FPS, values });
        nextFrame++;
      }
      if (!weights.length) return;
      rec.framesSent += weights.length;
      const send = () => {
        if (!rec.cancelled) call.write({ animation_data: { skel_animation: { blend_shape_weights: weights } } });
      };
      if (this.opts.latencyMs) setTimeout(send, this.opts.latencyMs);
      else send();
    };
    call.on("data", (m: A2f3dAudioStream) => {
      if (rec.error || rec.cancelled) return;
      if (!rec.header) {
        const h = m.audio_stream_header;
        if (m.stream_part !== "audio_stream_header" || !h) return fail("the AudioStreamHeader must be sent first");
        const a = h.audio_header;
        if (a.audio_format !== "AUDIO_FORMAT_PCM" || a.channel_count !== 1 || a.bits_per_sample !== 16) return fail("only mono 16-bit PCM is supported");
        if (a.samples_per_second < 16000 || a.samples_per_second > 144000) return fail(`sample rate ${a.samples_per_second} outside 16–144 kHz`);
        rec.header = h;
        rate = a.samples_per_second;
        call.write({
          animation_data_stream_header: {
            audio_header: { samples_per_second: rate },
            skel_animation_header: { blend_shapes: [...A2F3D_BLENDSHAPES], joints: [] },
            start_time_code_since_epoch: Date.now() / 1000,
          },
        });
        return;
      }
      if (m.stream_part === "audio_with_emotion" && m.audio_with_emotion) {
        const b = m.audio_with_emotion.audio_buffer;
        if (b.byteLength % 2) return fail("audio buffer is not whole 16-bit samples");
        if (b.byteLength / 2 > rate * 10) return fail("audio buffer longer than 10 s");
        const copy = new Uint8Array(b);
        const chunk = new Int16Array(copy.buffer, 0, copy.byteLength / 2);
        const joined = new Int16Array(pcm.length + chunk.length);
        joined.set(pcm);
        joined.set(chunk, pcm.length);
        pcm = joined;
        rec.samples += chunk.length;
        rec.chunks++;
        emit(false);
      } else if (m.stream_part === "end_of_audio") {
        rec.endOfAudio = true;
        emit(true);
        const finish = () => {
          if (rec.cancelled) return;
          call.write({ event: { event_type: "END_OF_A2F_AUDIO_PROCESSING" } });
          call.write({ status: { code: "SUCCESS", message: "Audio processing completed successfully!" } });
          call.end();
        };
        if (this.opts.latencyMs) setTimeout(finish, this.opts.latencyMs + 1);
        else finish();
      }
    });
    call.on("cancelled", () => {
      rec.cancelled = true;
    });
  }

  async close(): Promise<void> {
    this.server.forceShutdown();
  }
}
