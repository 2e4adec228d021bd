/**
 * F5-TTS socket server provider (src/f5_tts/socket_server.py): the lowest-latency F5 path. The
 * server's reference voice is fixed when it starts (`--ref_audio`, `--ref_text`): this provider
 * therefore speaks with that voice, whatever the visitor sounds like. Per-visitor cloning on a
 * persistent model is what the sidecar (sidecar-tts.ts) is for; see docs/voices.md.
 */
import { connect } from "node:net";
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { throwIfAborted } from "../../../core/errors.js";
import { analyzeVoice } from "../../../audio/analysis.js";
import { asSynthesisError, checkPcm, remoteProfile } from "../shared/remote.js";
import { wipeState } from "../shared/wipe-state.js";
import { splitForRequests } from "../shared/text.js";
import { F5_SAMPLE_RATE } from "./reference.js";
import { F5_SOCKET_MAX_REQUEST_BYTES, F5SocketConnection } from "./socket-connection.js";

export interface F5SocketTtsOptions {
  host: string;
  port: number;
  languages?: Language[];
  /** default 3 000 ms */
  connectTimeoutMs?: number;
  /** silence from the server for this long during a reply (the first byte included) fails it (retryable); default 15 000 ms */
  idleTimeoutMs?: number;
}

const PROVIDER = "tts/f5-socket";

export function createF5SocketTts(opts: F5SocketTtsOptions): Tts {
  const conn = new F5SocketConnection({
    host: opts.host,
    port: opts.port,
    connectTimeoutMs: opts.connectTimeoutMs ?? 3_000,
    idleTimeoutMs: opts.idleTimeoutMs ?? 15_000,
    id: PROVIDER,
  });

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    throwIfAborted(req.signal);
    try {
      for (const piece of splitForRequests(req.text, F5_SOCKET_MAX_REQUEST_BYTES)) {
        for await (const pcm of conn.speak(piece, req.signal)) yield { type: "audio", pcm: checkPcm(PROVIDER, pcm), sampleRate: F5_SAMPLE_RATE };
      }
    } catch (err) {
      throw asSynthesisError(PROVIDER, err, req.signal);
    }
  }

  return {
    info: { id: PROVIDER, stage: "tts", languages: opts.languages ?? ["en"], local: false },
    capabilities: { streaming: true, timings: "none", sampleRate: F5_SAMPLE_RATE },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      await Promise.resolve();
      throwIfAborted(signal);
      const measured = analyzeVoice(sample.pcm, sample.sampleRate);
      // nothing of the sample is sent or kept: the server's reference is fixed at its start
      return remoteProfile(PROVIDER, sample, measured, { referenceFixedAtServerStart: true });
    },

    forgetVoice(voice: VoiceProfile): Promise<void> {
      wipeState(voice);
      return Promise.resolve();
    },

    synthesize,

    async health(): Promise<Health> {
      // a TCP connect only: the server reads any bytes as a request, and drops an empty connection cleanly
      try {
        await tcpProbe(opts.host, opts.port, 2_000);
        return { ok: true, detail: `${opts.host}:${opts.port} accepts connections` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    close(): Promise<void> {
      conn.close();
      return Promise.resolve();
    },
  };
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
