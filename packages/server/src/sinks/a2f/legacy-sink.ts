/**
 * Legacy Omniverse Audio2Face sink: every reply's audio goes to the headless app's Streaming Audio Player over
 * gRPC (PushAudioStream: a start marker with the instance's prim path and the sample rate, then float32 chunks).
 * A2F animates its own face from it and streams blendshapes to Unreal through its Live Link plugin.
 * An interrupt cancels the call at once; failures come back as success=false, not as gRPC errors.
 */
import * as grpc from "@grpc/grpc-js";
import type { StageInfo } from "../../core/contracts/common.js";
import type { OutputEvent, Sink } from "../../core/contracts/sink.js";
import { grpcAddress, legacyA2fService, type PushAudioResponse, type PushAudioStreamRequest } from "./protos.js";

export const A2F_LEGACY_DEFAULT_PORT = 50051;
export const A2F_DEFAULT_INSTANCE = "/World/audio2face/PlayerStreaming";

export interface A2fLegacyOptions {
  /** host:port of the Audio2Face app's gRPC server */
  address: string;
  /** prim path of the Streaming Audio Player */
  instanceName?: string;
  /** ask A2F to hold the reply until it has played the audio (default false: Mirror streams as it goes) */
  blockUntilPlaybackIsFinished?: boolean;
  log?: (line: string) => void;
}

export interface A2fSinkStats {
  target: string;
  turns: number;
  chunksSent: number;
  samplesSent: number;
  /** ms from a turn's first audio reaching the sink to its first chunk handed to gRPC */
  firstChunkAfterAudioMs: number[];
  cancelled: number;
  /** ms from an interrupt to the gRPC call being over (its CANCELLED status) */
  abortToEndMs: number[];
  failures: string[];
}

interface Call {
  turnId: number;
  cancelledAt?: number;
  stream: grpc.ClientWritableStream<PushAudioStreamRequest>;
  done: Promise<void>;
}

export class A2fLegacySink implements Sink {
  readonly info: StageInfo = { id: "sink/a2f-legacy", stage: "sink", languages: "any", local: false };
  private client: grpc.Client | null = null;
  private call: Call | null = null;
  private readonly target: string;
  private readonly statsData: A2fSinkStats;

  constructor(private readonly o: A2fLegacyOptions) {
    this.target = grpcAddress(o.address, A2F_LEGACY_DEFAULT_PORT);
    this.statsData = { target: this.target, turns: 0, chunksSent: 0, samplesSent: 0, firstChunkAfterAudioMs: [], cancelled: 0, abortToEndMs: [], failures: [] };
  }

  private get stub(): grpc.Client {
    if (!this.client) {
      const { Client } = legacyA2fService();
      this.client = new Client(this.target, grpc.credentials.createInsecure());
    }
    return this.client;
  }

  write(ev: OutputEvent): void {
    switch (ev.type) {
      case "turn-start":
        this.finish();
        return this.open(ev.turnId, ev.sampleRate);
      case "audio": {
        const c = this.call;
        if (!c || c.turnId !== ev.turnId || ev.pcm.length === 0) return;
        const t0 = performance.now();
        const bytes = Buffer.from(ev.pcm.buffer.slice(ev.pcm.byteOffset, ev.pcm.byteOffset + ev.pcm.byteLength));
        c.stream.write({ audio_data: bytes } satisfies PushAudioStreamRequest);
        if (ev.sample === 0) this.statsData.firstChunkAfterAudioMs.push(Math.round((performance.now() - t0) * 100) / 100);
        this.statsData.chunksSent++;
        this.statsData.samplesSent += ev.pcm.length;
        return;
      }
      case "turn-end":
        if (this.call?.turnId === ev.turnId) this.finish();
        return;
      // A2F's audio stream cannot pause: a pause cancels the call as an interrupt would
      case "pause":
      case "interrupt":
        if (this.call?.turnId !== ev.turnId) return;
        this.call.cancelledAt = performance.now();
        this.call.stream.cancel();
        this.statsData.cancelled++;
        this.call = null;
        return;
      case "frames":
      case "text":
      case "resume":
        return;
    }
  }

  private open(turnId: number, sampleRate: number): void {
    let stream!: grpc.ClientWritableStream<PushAudioStreamRequest>;
    const call: Partial<Call> & { turnId: number } = { turnId };
    const done = new Promise<void>((resolve) => {
      stream = this.stub.makeClientStreamRequest<PushAudioStreamRequest, PushAudioResponse>(
        "/nvidia.audio2face.Audio2Face/PushAudioStream",
        (req) => legacyA2fService().service.PushAudioStream!.requestSerialize(req),
        (buf) => legacyA2fService().service.PushAudioStream!.responseDeserialize(buf) as PushAudioResponse,
        (err, res) => {
          if (err?.code === grpc.status.CANCELLED && call.cancelledAt !== undefined) {
            this.statsData.abortToEndMs.push(Math.round((performance.now() - call.cancelledAt) * 100) / 100);
          } else if (err) this.fail(`turn ${turnId}: ${err.message}`);
          else if (res && !res.success) this.fail(`turn ${turnId}: ${res.message || "Audio2Face refused the audio"}`);
          resolve();
        },
      );
    });
    stream.write({
      start_marker: { instance_name: this.o.instanceName ?? A2F_DEFAULT_INSTANCE, samplerate: sampleRate, block_until_playback_is_finished: this.o.blockUntilPlaybackIsFinished ?? false },
    } satisfies PushAudioStreamRequest);
    call.stream = stream;
    call.done = done;
    this.call = call as Call;
    this.statsData.turns++;
  }

  private finish(): void {
    this.call?.stream.end();
    this.call = null;
  }

  private fail(msg: string): void {
    this.statsData.failures.push(msg);
    this.o.log?.(`a2f: ${msg}`);
  }

  stats(): A2fSinkStats {
    return { ...this.statsData, firstChunkAfterAudioMs: [...this.statsData.firstChunkAfterAudioMs], abortToEndMs: [...this.statsData.abortToEndMs], failures: [...this.statsData.failures] };
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    const ready = await new Promise<boolean>((resolve) => this.stub.waitForReady(Date.now() + 1000, (err) => resolve(!err)));
    return { ok: ready, detail: ready ? `connected to ${this.target}` : `cannot reach ${this.target}` };
  }

  async close(): Promise<void> {
    const c = this.call;
    this.finish();
    if (c) await Promise.race([c.done, new Promise((r) => setTimeout(r, 1000))]);
    this.client?.close();
    this.client = null;
  }
}
