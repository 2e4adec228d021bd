/**
 * F5-TTS command line (`f5-tts_infer-cli -r ref.wav -s "ref text" -t "text" -o dir -w out.wav`):
 * loads the model on every call, so it is the slow last resort. One process per sentence (the
 * next one starts while the current sentence plays); abort kills the running process.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Language } from "@mirror/protocol";
import type { Health } from "../../../core/contracts/common.js";
import type { Tts, TtsEvent, TtsRequest, VoiceProfile, VoiceSample } from "../../../core/contracts/tts.js";
import { AbortedError, ProviderError, throwIfAborted } from "../../../core/errors.js";
import { resampleSinc } from "../../../audio/resample.js";
import { decodeWav } from "../../../audio/wav.js";
import { PrivateFiles } from "../shared/private-files.js";
import { asSynthesisError, chunked, remoteProfile, sentencePipeline } from "../shared/remote.js";
import { wipeState } from "../shared/wipe-state.js";
import { splitForRequests } from "../shared/text.js";
import { F5_SAMPLE_RATE, writeF5Reference } from "./reference.js";

export interface F5CliTtsOptions {
  /** default "f5-tts_infer-cli" (on PATH) */
  command?: string;
  /** put before Mirror's arguments, e.g. ["--model", "F5TTS_v1_Base", "--device", "cuda"] */
  extraArgs?: string[];
  languages?: Language[];
  nfeStep?: number;
  speed?: number;
  /** one call (model load + one sentence) may take this long */
  timeoutMs?: number;
  files?: PrivateFiles;
}

interface CliState {
  tempPath: string;
  refText: string;
}

const PROVIDER = "tts/f5-cli";

export function createF5CliTts(opts: F5CliTtsOptions = {}): Tts {
  const command = opts.command ?? "f5-tts_infer-cli";
  const files = opts.files ?? new PrivateFiles();

  const run = async (state: CliState, text: string, signal: AbortSignal): Promise<Float32Array> => {
    throwIfAborted(signal);
    // the output is the visitor's voice too: a private dir (0700), removed right after reading
    const dir = await mkdtemp(join(tmpdir(), "mirror-f5cli-"));
    try {
      const args = [...(opts.extraArgs ?? []), "-r", state.tempPath, "-s", state.refText, "-t", text, "-o", dir, "-w", "out.wav"];
      if (opts.nfeStep) args.push("--nfe_step", String(opts.nfeStep));
      if (opts.speed) args.push("--speed", String(opts.speed));
      await runProcess(command, args, signal, opts.timeoutMs ?? 180_000);
      const wav = decodeWav(new Uint8Array(await readFile(join(dir, "out.wav"))));
      return wav.sampleRate === F5_SAMPLE_RATE ? wav.pcm : resampleSinc(wav.pcm, wav.sampleRate, F5_SAMPLE_RATE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  async function* synthesize(req: TtsRequest): AsyncGenerator<TtsEvent> {
    throwIfAborted(req.signal);
    const state = stateOf(req.voice);
    if (!state) throw new ProviderError(PROVIDER, "voice was forgotten or belongs to another provider", { retryable: true });
    try {
      for await (const pcm of sentencePipeline(splitForRequests(req.text), (piece, signal) => run(state, piece, signal), req.signal)) {
        for (const part of chunked(pcm, 4096)) {
          throwIfAborted(req.signal);
          yield { type: "audio", pcm: part, sampleRate: F5_SAMPLE_RATE };
        }
      }
    } catch (err) {
      throw asSynthesisError(PROVIDER, err, req.signal);
    }
  }

  return {
    info: { id: PROVIDER, stage: "tts", languages: opts.languages ?? ["en"], local: true },
    capabilities: { streaming: true, timings: "none", sampleRate: F5_SAMPLE_RATE },

    async health(): Promise<Health> {
      try {
        await runProcess(command, ["--help"], AbortSignal.timeout(60_000), 60_000);
        return { ok: true, detail: `${command} runs` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async cloneVoice(sample: VoiceSample, signal: AbortSignal): Promise<VoiceProfile> {
      throwIfAborted(signal);
      const { ref, tempPath } = await writeF5Reference(files, sample);
      return remoteProfile(PROVIDER, sample, ref, { tempPath, refText: ref.text } satisfies CliState);
    },

    async forgetVoice(voice: VoiceProfile): Promise<void> {
      const path = stateOf(voice)?.tempPath;
      wipeState(voice);
      if (path) await files.remove(path);
    },

    synthesize,

    async close() {
      await files.removeAll();
    },
  };
}

function stateOf(voice: VoiceProfile): CliState | null {
  if (voice.provider !== PROVIDER) return null;
  const s = voice.state as Partial<CliState>;
  return typeof s.tempPath === "string" && typeof s.refText === "string" ? (s as CliState) : null;
}

function runProcess(command: string, args: string[], signal: AbortSignal, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError(String(signal.reason ?? "aborted")));
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr = (stderr + b.toString("utf8")).slice(-2000);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle(new ProviderError(PROVIDER, `${command} took over ${timeoutMs} ms`, { retryable: true }));
    }, timeoutMs);
    const onAbort = () => {
      child.kill("SIGKILL");
      settle(new AbortedError(String(signal.reason ?? "aborted")));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    let done = false;
    const settle = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    child.once("error", (err) => settle(new ProviderError(PROVIDER, `cannot run ${command}: ${err.message}`, { retryable: false, cause: err })));
    child.once("exit", (code) =>
      settle(code === 0 ? null : new ProviderError(PROVIDER, `${command} exited ${code}: ${stderr.trim().split("\n").pop() ?? ""}`, { retryable: true })),
    );
  });
}
