import { describe, expect, it } from "vitest";
import { applyTtsEnv, TtsConfig, ttsChain } from "./config.js";

describe("TTS config", () => {
  it("defaults to the embedded cloned voice: converted flite (English), then espeak (Dutch, fallback)", () => {
    expect(ttsChain(TtsConfig.parse(undefined))).toEqual(["flite", "espeak"]);
    expect(ttsChain(TtsConfig.parse({ provider: "embedded", embeddedLast: false }))).toEqual(["flite", "espeak"]);
    expect(ttsChain(TtsConfig.parse({ chain: ["espeak"] }))).toEqual(["espeak"]);
    expect(ttsChain(TtsConfig.parse({ chain: ["flite"] }))).toEqual(["flite", "espeak"]);
  });

  it("MIRROR_TTS picks the chain ('embedded' is flite then espeak) and the F5 env vars point the providers", () => {
    const raw = applyTtsEnv(
      { stages: { tts: { f5Gradio: { seed: 7 } } } },
      { MIRROR_TTS: "f5-socket, f5-gradio,embedded", MIRROR_F5_SOCKET: "gpu-box:9000", MIRROR_F5_GRADIO_URL: "http://gpu-box:7860", MIRROR_F5_SIDECAR_CMD: "python3 f5_sidecar.py --port 9999" },
    );
    const cfg = TtsConfig.parse((raw.stages as { tts: unknown }).tts);
    expect(ttsChain(cfg)).toEqual(["f5-socket", "f5-gradio", "flite", "espeak"]);
    expect(cfg.f5Socket).toEqual({ host: "gpu-box", port: 9000 });
    expect(cfg.f5Gradio).toEqual({ url: "http://gpu-box:7860", seed: 7 });
    expect(cfg.f5Sidecar.launch).toEqual({ command: "python3", args: ["f5_sidecar.py", "--port", "9999"] });
  });

  it("the embedded voice ends every chain unless switched off; bad names are rejected", () => {
    expect(ttsChain(TtsConfig.parse({ chain: ["f5-sidecar"] }))).toEqual(["f5-sidecar", "flite", "espeak"]);
    expect(ttsChain(TtsConfig.parse({ chain: ["f5-sidecar", "espeak"] }))).toEqual(["f5-sidecar", "espeak"]);
    expect(ttsChain(TtsConfig.parse({ chain: ["f5-sidecar"], embeddedLast: false }))).toEqual(["f5-sidecar"]);
    expect(TtsConfig.safeParse({ chain: ["f5-magic"] }).success).toBe(false);
    expect(TtsConfig.safeParse({ openaiSpeech: { reference: { mode: "field" } } }).success).toBe(false);
  });

  it("fillers: on after 700 ms by default; config and env set the delay or switch them off; bad values are rejected", () => {
    expect(TtsConfig.parse(undefined).fillers).toEqual({ enabled: true, delayMs: 700 });
    const parse = (env: NodeJS.ProcessEnv) => TtsConfig.safeParse((applyTtsEnv({ stages: { tts: { fillers: { delayMs: 400 } } } }, env).stages as { tts: unknown }).tts);
    expect(parse({}).data?.fillers).toEqual({ enabled: true, delayMs: 400 });
    expect(parse({ MIRROR_FILLER_DELAY_MS: "1200", MIRROR_FILLERS: "off" }).data?.fillers).toEqual({ enabled: false, delayMs: 1200 });
    expect(parse({ MIRROR_FILLER_DELAY_MS: "soon" }).success).toBe(false);
    expect(TtsConfig.safeParse({ fillers: { delayMs: -5 } }).success).toBe(false);
  });
});
