import { z } from "zod";
import { FakeA2f3d } from "../testing/fakes/a2f-fakes.js";
import { startF5SidecarFake } from "../testing/fakes/f5-sidecar-fake.js";
import { startGeminiFake } from "../testing/fakes/gemini-fake.js";

/** Stand-ins for the reference installation's services, on loopback, slowed to their published speed. */
export const ProfileFakes = z
  .object({
    gemini: z.object({ firstTokenDelayMs: z.number().min(0), tokensPerSecond: z.number().positive() }).optional(),
    f5Sidecar: z.object({ firstChunkDelayMs: z.number().min(0), chunkDelayMs: z.number().min(0) }).optional(),
    a2f3d: z.object({ latencyMs: z.number().min(0) }).optional(),
  })
  .default({});
export type ProfileFakes = z.infer<typeof ProfileFakes>;

export interface StartedFakes {
  /** config overrides that point Mirror at the fakes */
  config: Record<string, unknown>;
  /** keys the fakes accept (never real ones) */
  env: Record<string, string>;
  close(): Promise<void>;
}

const FAKE_KEY = "bench-fake-key";

export async function startProfileFakes(spec: ProfileFakes): Promise<StartedFakes> {
  const stages: Record<string, unknown> = {};
  const closers: Array<() => Promise<void>> = [];
  if (spec.gemini) {
    const g = await startGeminiFake(spec.gemini, { apiKey: FAKE_KEY });
    closers.push(() => g.close());
    stages.llm = { chain: ["gemini"], gemini: { baseUrl: g.baseUrl } };
  }
  if (spec.f5Sidecar) {
    const f = await startF5SidecarFake(spec.f5Sidecar);
    closers.push(() => f.close());
    stages.tts = { chain: ["f5-sidecar"], f5Sidecar: { url: f.url } };
  }
  if (spec.a2f3d) {
    const a = await new FakeA2f3d(spec.a2f3d).start();
    closers.push(() => a.close());
    stages.lipsync = { provider: "a2f3d", a2f3d: { address: a.address } };
  }
  return {
    config: Object.keys(stages).length ? { stages } : {},
    env: spec.gemini ? { GEMINI_API_KEY: FAKE_KEY } : {},
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}

/** Merges two config objects section by section (profile settings win over the fakes' addresses only where set). */
export function mergeConfig(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? mergeConfig(prev, v) : v;
  }
  return out;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
