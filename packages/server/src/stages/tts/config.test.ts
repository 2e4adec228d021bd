import { describe, expect, it } from "vitest";
import { applyTtsEnv, TtsConfig, ttsChain } from "./config.js";

describe("TTS config", () => {
  it("defaults to the embedded voice alone", () => {
    expect(ttsChain(TtsConfig.parse(undefined))).toEqual(["espeak"]);
  });

  it("MIRROR_TTS picks the chain ('embedded' is espeak) and the F5 env vars point the providers", () => {
    const raw = applyTtsEnv(
      { stages: { tts: { f5Gradio: { seed: 7 } } } },
      { MIRROR_TTS: "f5-socket, f5-gradio,embedded", MIRROR_F5_SOCKET: "gpu-box:9000", MIRROR_F5_GRADIO_URL: "http://gpu-box:7860", MIRROR_F5_SIDECAR_CMD: "python3 f5_sidecar.py --port 9999" },
    );
    const cfg = TtsConfig.parse((raw.stages as { tts: unknown }).tts);
    expect(ttsChain(cfg)).toEqual(["f5-socket", "f5-gradio", "espeak"]);
    expect(cfg.f5Socket).toEqual({ host: "gpu-box", port: 9000 });
    expect(cfg.f5Gradio).toEqual({ url: "http://gpu-box:7860", seed: 7 });
    expect(cfg.f5Sidecar.launch).toEqual({ command: "python3", args: ["f5_sidecar.py", "--port", "9999"] });
  });

  it("the embedded voice ends every chain unless switched off; bad names are rejected", () => {
    expect(ttsChain(TtsConfig.parse({ chain: ["f5-sidecar"] }))).toEqual(["f5-sidecar", "espeak"]);
    expect(ttsChain(TtsConfig.parse({ chain: ["f5-sidecar"], embeddedLast: false }))).toEqual(["f5-sidecar"]);
    expect(TtsConfig.safeParse({ chain: ["f5-magic"] }).success).toBe(false);
    expect(TtsConfig.safeParse({ openaiSpeech: { reference: { mode: "field" } } }).success).toBe(false);
  });
});
