import type { Providers } from "../session/visit-session.js";
import { createBuiltinLipsync } from "../stages/lipsync/builtin/index.js";
import { createScriptedLlm } from "../stages/llm/scripted/index.js";
import { createPocketSphinxStt } from "../stages/stt/pocketsphinx/index.js";
import { createEspeakTts } from "../stages/tts/espeak/index.js";
import { createEnergyVad } from "../stages/vad/energy/index.js";
import type { MirrorConfig } from "./config.js";

/** The composition root: the only place that knows every provider. */
export function buildProviders(config: MirrorConfig): Providers {
  const s = config.stages;
  return {
    vad: createEnergyVad({ hangoverMs: s.vad.hangoverMs }),
    stt: createPocketSphinxStt(),
    llm: createScriptedLlm(),
    tts: createEspeakTts(),
    lipsync: createBuiltinLipsync(),
  };
}

/** Loads every model once before the first visitor, so the first turn is as fast as the rest. */
export async function warmup(p: Providers): Promise<void> {
  await Promise.all([p.vad.warmup?.(), p.stt.warmup?.(), p.llm.warmup?.(), p.tts.warmup?.(), p.lipsync.warmup?.()]);
}

export async function closeProviders(p: Providers): Promise<void> {
  await Promise.all([p.vad.close?.(), p.stt.close?.(), p.llm.close?.(), p.tts.close?.(), p.lipsync.close?.()]);
}
