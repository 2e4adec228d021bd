/**
 * Audio2Face-3D as a lip-sync provider: the turn's audio streams to the A2F-3D controller (ProcessAudioStream:
 * header, PCM16 16 kHz chunks, end of audio) and the blendshape frames it streams back — mapped by name onto
 * ARKIT_52 and resampled from their time codes onto Mirror's 60 fps sample grid — become the turn's frames.
 * So the browser double and Live Link show A2F's animation exactly as they show the built-in one.
 * Abort cancels the call. (The .proto files and loader live in sinks/a2f/, beside the legacy A2F sink.)
 */
import * as grpc from "@grpc/grpc-js";
import { ARKIT_52 } from "@mirror/protocol";
import { float32ToInt16, StreamResampler } from "../../../audio/pcm.js";
import { AsyncQueue } from "../../../core/async-queue.js";
import { ProviderError } from "../../../core/errors.js";
import type { LipFrame, Lipsync, LipsyncInput, LipsyncOptions, LipsyncSession } from "../../../core/contracts/lipsync.js";
import { a2f3dService, grpcAddress, type A2f3dAnimationDataStream, type A2f3dAudioStream } from "../../../sinks/a2f/protos.js";

export const A2F3D_DEFAULT_PORT = 52000;
const A2F_RATE = 16_000;
/** well under the service's 10 s per buffer; small enough to stream */
const CHUNK_SAMPLES = A2F_RATE / 10;

export interface A2f3dOptions {
  /** host:port of the A2F-3D controller / NIM */
  address: string;
  /** FaceParameters.float_params, e.g. { lowerFaceStrength: 1.2 } */
  faceParams?: Record<string, number>;
  /** BlendShapeParameters multipliers by ARKit name (PascalCase as A2F spells them) */
  multipliers?: Record<string, number>;
}

export function createA2f3dLipsync(o: A2f3dOptions): Lipsync {
  const target = grpcAddress(o.address, A2F3D_DEFAULT_PORT);
  let client: grpc.Client | null = null;
  let generation = 0;
  const retired = new Set<grpc.Client>();
  const stub = () => {
    if (!client) {
      const { Client } = a2f3dService();
      // after a suspect connection, a channel option of its own: grpc's subchannel pool must not hand the hung one back
      client = new Client(target, grpc.credentials.createInsecure(), generation ? { "mirror.generation": generation } : {});
    }
    return client;
  };
  return {
    info: { id: "lipsync/a2f3d", stage: "lipsync", languages: "any", local: false },
    capabilities: { usesTimings: false, fps: 60 },
    open: (opts) =>
      new A2f3dSession(stub(), opts, o, (suspect) => {
        // a call given up while still waiting for the server's first answer: the connection itself may hang (a
        // half-open socket); the next turn gets a fresh one rather than queueing behind it
        // (the old channel is closed a minute later, so calls of other turns still on it can finish)
        if (client === suspect) {
          client = null;
          generation++;
          retired.add(suspect);
          setTimeout(() => retired.delete(suspect) && suspect.close(), 60_000).unref();
        }
      }),
    /** connects once before the first turn, so the first reply does not pay for it */
    async warmup() {
      await new Promise<void>((resolve) => stub().waitForReady(Date.now() + 2000, () => resolve()));
    },
    async health() {
      const ok = await new Promise<boolean>((resolve) => stub().waitForReady(Date.now() + 1000, (err) => resolve(!err)));
      return { ok, detail: ok ? `connected to ${target}` : `cannot reach ${target}` };
    },
    async close() {
      client?.close();
      client = null;
      for (const c of retired) c.close();
      retired.clear();
    },
  };
}

const LOWER = new Map(ARKIT_52.map((n, i) => [n.toLowerCase(), i]));

class A2f3dSession implements LipsyncSession {
  readonly frames: AsyncIterable<LipFrame>;
  private readonly queue = new AsyncQueue<LipFrame>();
  private call: grpc.ClientDuplexStream<A2f3dAudioStream, A2f3dAnimationDataStream> | null = null;
  private readonly resampler: StreamResampler;
  private pending: Float32Array[] = [];
  private pendingLength = 0;
  private audioEnd = 0;
  private ended = false;
  private stopped = false;
  /** ARKIT_52 index for each of A2F's blendshape positions (-1: not an ARKit shape, e.g. tongue) */
  private map: number[] = [];
  /** the last A2F frame seen, in output samples, for interpolation onto the 60 fps grid */
  private prev: { sample: number; w: Float32Array } | null = null;
  private next = 0;
  private openedAt = 0;
  private answered = false;

  constructor(
    private readonly client: grpc.Client,
    private readonly opts: LipsyncOptions,
    private readonly o: A2f3dOptions,
    private readonly suspectChannel: (client: grpc.Client) => void,
  ) {
    this.frames = this.queue;
    this.resampler = new StreamResampler(opts.sampleRate, A2F_RATE);
    if (opts.signal.aborted) this.stop();
    else opts.signal.addEventListener("abort", () => this.stop(), { once: true });
  }

  push(input: LipsyncInput): void {
    if (this.stopped || this.ended) return;
    if (input.type === "audio") {
      this.audioEnd = Math.max(this.audioEnd, input.sample + input.pcm.length);
      this.send(this.resampler.push(input.pcm), false);
    } else if (input.type === "end") {
      this.ended = true;
      if (!this.call) return this.finish();
      this.send(this.resampler.flush(), true);
      this.call.write({ end_of_audio: {} });
      this.call.end();
    }
  }

  private open(): grpc.ClientDuplexStream<A2f3dAudioStream, A2f3dAnimationDataStream> {
    const def = a2f3dService().service.ProcessAudioStream!;
    const call = this.client.makeBidiStreamRequest<A2f3dAudioStream, A2f3dAnimationDataStream>(
      def.path,
      (m) => def.requestSerialize(m),
      (b) => def.responseDeserialize(b) as A2f3dAnimationDataStream,
    );
    this.openedAt = performance.now();
    call.on("data", (m: A2f3dAnimationDataStream) => {
      this.answered = true;
      this.receive(m);
    });
    call.on("error", (err: grpc.ServiceError) => {
      if (this.stopped) return;
      this.stopped = true;
      this.queue.fail(a2fError(err.details || err.message, RETRYABLE.has(err.code), err));
    });
    call.on("end", () => this.finish());
    call.write({
      audio_stream_header: {
        audio_header: { audio_format: "AUDIO_FORMAT_PCM", channel_count: 1, samples_per_second: A2F_RATE, bits_per_sample: 16 },
        face_params: { float_params: this.o.faceParams ?? {} },
        blendshape_params: { bs_weight_multipliers: this.o.multipliers ?? {}, bs_weight_offsets: {}, enable_clamping_bs_weight: true },
      },
    });
    return call;
  }

  /** Audio goes out in ≤100 ms PCM16 buffers as soon as there is enough (all of it at the end). */
  private send(pcm: Float32Array, flush: boolean): void {
    if (pcm.length) {
      this.pending.push(pcm);
      this.pendingLength += pcm.length;
    }
    if (this.pendingLength === 0 || (!flush && this.pendingLength < CHUNK_SAMPLES / 2)) return;
    this.call ??= this.open();
    const all = new Float32Array(this.pendingLength);
    let off = 0;
    for (const p of this.pending) {
      all.set(p, off);
      off += p.length;
    }
    this.pending = [];
    this.pendingLength = 0;
    for (let i = 0; i < all.length; i += CHUNK_SAMPLES) {
      const pcm16 = float32ToInt16(all.subarray(i, i + CHUNK_SAMPLES));
      this.call.write({ audio_with_emotion: { audio_buffer: Buffer.from(pcm16.buffer, pcm16.byteOffset, pcm16.byteLength), emotions: [] } });
    }
  }

  private receive(m: A2f3dAnimationDataStream): void {
    if (this.stopped) return;
    if (m.animation_data_stream_header) {
      const names = m.animation_data_stream_header.skel_animation_header?.blend_shapes ?? [];
      this.map = names.map((n) => LOWER.get(n.toLowerCase()) ?? -1);
    } else if (m.animation_data?.skel_animation) {
      for (const f of m.animation_data.skel_animation.blend_shape_weights) this.addA2fFrame(f.time_code, f.values);
    } else if (m.status && m.status.code === "ERROR") {
      this.stopped = true;
      this.call?.cancel();
      this.queue.fail(a2fError(m.status.message, false));
    }
  }

  private addA2fFrame(timeCode: number, values: number[]): void {
    const w = new Float32Array(ARKIT_52.length);
    this.map.forEach((k, i) => {
      if (k >= 0) w[k] = clamp01(values[i] ?? 0);
    });
    const sample = timeCode * this.opts.sampleRate;
    const prev = this.prev ?? { sample, w };
    // every 60 fps grid frame between the previous A2F frame and this one, linearly interpolated
    for (let s = this.gridSample(this.next); s <= sample; s = this.gridSample(++this.next)) {
      const x = sample > prev.sample ? Math.max(0, (s - prev.sample) / (sample - prev.sample)) : 1;
      const out = new Float32Array(ARKIT_52.length);
      for (let k = 0; k < out.length; k++) out[k] = (prev.w[k] ?? 0) + x * ((w[k] ?? 0) - (prev.w[k] ?? 0));
      this.queue.push({ sample: s, weights: out });
    }
    this.prev = { sample, w };
  }

  private gridSample(n: number): number {
    return Math.round((n * this.opts.sampleRate) / this.opts.fps);
  }

  /** The service is done: hold the last pose to the end of the audio, then end the stream. */
  private finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    const last = this.prev?.w;
    if (last) for (let s = this.gridSample(this.next); s < this.audioEnd; s = this.gridSample(++this.next)) this.queue.push({ sample: s, weights: last.slice() });
    this.queue.close();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.call && !this.answered && performance.now() - this.openedAt >= HUNG_AFTER_MS) this.suspectChannel(this.client);
    this.call?.cancel();
    this.queue.clear();
    this.queue.close();
  }
}

/** a call still unanswered this long when it is given up: its connection is suspect */
const HUNG_AFTER_MS = 1000;

/** gRPC codes of a server that is down, overloaded or restarting: worth trying again later */
const RETRYABLE = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.RESOURCE_EXHAUSTED, grpc.status.ABORTED, grpc.status.INTERNAL]);

function a2fError(message: string, retryable: boolean, cause?: unknown): ProviderError {
  return new ProviderError("lipsync/a2f3d", `Audio2Face-3D: ${message}`, { retryable, ...(cause ? { cause } : {}) });
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0;
}
