/**
 * The Gradio app's result file, fetched the moment its URL is announced and decoded as its bytes arrive.
 * The file comes from the app's own origin, so a connection to it is opened while the job runs and the GET
 * leaves on it without a handshake (node:http, no WHATWG-stream hops). Without a spare connection (another
 * origin, or the app closed it) the request goes through a keep-alive agent.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Agent as HttpAgent, get as httpGet, type IncomingMessage, type ClientRequest } from "node:http";
import { Agent as HttpsAgent, get as httpsGet } from "node:https";
import type { TtsEvent } from "../../../core/contracts/tts.js";
import { ProviderError, throwIfAborted } from "../../../core/errors.js";
import { timedStream } from "../../../core/stream-timeouts.js";
import { StreamResampler } from "../../../audio/pcm.js";
import { WavStreamDecoder } from "../../../audio/wav-stream.js";
import { chunked } from "../shared/remote.js";

/** a spare connection nobody used for this long is closed (a job that long is a hosted Space; it reconnects) */
const SPARE_IDLE_MS = 120_000;

/** A download already under way: its response, and how to let its socket go. */
export interface AudioFileRequest {
  response: Promise<IncomingMessage>;
  cancel(): void;
}

export interface AudioFileFetcher {
  /** opens a spare connection to the app (its config root) for the next result file, unless one is open */
  preconnect(root: string): void;
  /** starts the GET now; `signal` (the sentence's) cancels it */
  start(url: string, signal: AbortSignal): AudioFileRequest;
  close(): void;
}

export function createAudioFileFetcher(provider: string, headersFor: (url: URL) => Record<string, string>): AudioFileFetcher {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  const spares = new Map<string, Socket>();

  const preconnect = (root: string): void => {
    const u = new URL(root);
    if (spares.has(u.origin)) return;
    const secure = u.protocol === "https:";
    const port = Number(u.port) || (secure ? 443 : 80);
    const socket = secure ? tlsConnect({ host: u.hostname, port, servername: u.hostname, ALPNProtocols: ["http/1.1"] }) : netConnect({ host: u.hostname, port });
    socket.setNoDelay(true);
    socket.unref();
    const drop = () => {
      if (spares.get(u.origin) === socket) spares.delete(u.origin);
      socket.destroy();
    };
    socket.on("error", drop).on("close", drop).on("end", drop);
    socket.setTimeout(SPARE_IDLE_MS, drop);
    spares.set(u.origin, socket);
  };

  /** the spare connection to this origin, taken out of the pool (used once: the request sends Connection: close) */
  const takeSpare = (origin: string): Socket | null => {
    const socket = spares.get(origin);
    if (!socket || socket.destroyed) return null;
    spares.delete(origin);
    socket.removeAllListeners("timeout").setTimeout(0).removeAllListeners("end");
    socket.ref();
    return socket;
  };

  const request = (url: URL, signal: AbortSignal, retryOnStaleSocket: boolean): AudioFileRequest => {
    const spare = retryOnStaleSocket ? takeSpare(url.origin) : null;
    let req: ClientRequest | null = null;
    let retry: AudioFileRequest | null = null;
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      if (signal.aborted) return reject(new ProviderError(provider, "audio download aborted", { retryable: true }));
      const get = url.protocol === "https:" ? httpsGet : httpGet;
      const via = spare ? { agent: false as const, createConnection: () => spare } : { agent: url.protocol === "https:" ? https : http };
      req = get(url, { ...via, headers: headersFor(url), signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        res.resume();
        reject(new ProviderError(provider, `audio download: HTTP ${status}`, { retryable: true, status }));
      });
      req.on("error", (err) => {
        // the app closed an idle connection just as it was used: one fresh attempt, as Node's docs advise
        if (retryOnStaleSocket && (spare || req?.reusedSocket) && (err as NodeJS.ErrnoException).code === "ECONNRESET" && !signal.aborted) {
          retry = request(url, signal, false);
          return resolve(retry.response);
        }
        reject(signal.aborted ? err : new ProviderError(provider, `audio download: ${err.message}`, { retryable: true, cause: err }));
      });
    });
    response.catch(() => undefined);
    return {
      response,
      cancel: () => {
        (req as ClientRequest | null)?.destroy();
        (retry as AudioFileRequest | null)?.cancel();
      },
    };
  };

  return {
    start: (url, signal) => request(new URL(url), signal, true),
    preconnect,
    close: () => {
      for (const socket of spares.values()) socket.destroy();
      spares.clear();
      http.destroy();
      https.destroy();
    },
  };
}

/** Streams the result file: the first samples play while the rest downloads. */
export async function* decodeAudioFile(
  provider: string,
  file: AudioFileRequest,
  signal: AbortSignal,
  opts: { idleMs: number; sampleRate: number; chunk: number },
): AsyncGenerator<TtsEvent> {
  const body = timedStream(provider, signal, { firstItemMs: opts.idleMs, idleMs: opts.idleMs }, async (s) => {
    s.addEventListener("abort", () => file.cancel(), { once: true });
    if (s.aborted) file.cancel();
    return (await file.response) as AsyncIterable<Uint8Array>;
  });
  const wav = new WavStreamDecoder();
  let resampler: StreamResampler | null = null;
  let whole = false;
  try {
    for await (const bytes of body) {
      let pcm = wav.push(bytes);
      if (pcm.length === 0) continue;
      if (wav.sampleRate !== opts.sampleRate) {
        resampler ??= new StreamResampler(wav.sampleRate ?? opts.sampleRate, opts.sampleRate);
        pcm = resampler.push(pcm);
      }
      for (const part of chunked(pcm, opts.chunk)) {
        throwIfAborted(signal);
        yield { type: "audio", pcm: part, sampleRate: opts.sampleRate };
      }
    }
    whole = true;
  } finally {
    // a file read to its end leaves its socket to the agent for the next sentence
    if (!whole) file.cancel();
  }
}
