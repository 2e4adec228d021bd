import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../../core/errors.js";
import { contractRequest, llmContract } from "../../../testing/contracts/llm.contract.js";
import { writeTinyGguf } from "../../../testing/fakes/tiny-gguf.js";
import { createGgufLlm } from "./gguf-llm.js";

// A real GGUF llama model (random weights, a vocabulary of English words), written by the test:
// node-llama-cpp loads it and generates with it on the CPU, so the in-process path runs for real.
const dir = mkdtempSync(join(tmpdir(), "mirror-gguf-"));
const modelPath = writeTinyGguf(join(dir, "tiny.gguf"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// greedy: the random model's byte tokens are unlikely but not impossible when sampling, and a test must not depend on luck
const tiny = () => createGgufLlm({ modelPath, gpu: false, contextSize: 4096, threads: 1, languages: ["en"], maxOutputTokens: 40, temperature: 0 });

llmContract("gguf (node-llama-cpp, tiny generated model)", tiny, {
  failing: () => createGgufLlm({ modelPath: join(dir, "missing.gguf"), gpu: false }),
});

describe("gguf provider", () => {
  it("loads the model once and keeps it warm across visits", async () => {
    const llm = tiny();
    try {
      const t0 = performance.now();
      await llm.warmup?.();
      const loadMs = performance.now() - t0;
      for (let visit = 0; visit < 2; visit++) {
        const t1 = performance.now();
        let text = "";
        for await (const e of llm.stream(contractRequest("en", new AbortController().signal))) if (e.type === "text-delta") text += e.text;
        expect(text.trim()).not.toBe("");
        // a warm reply of 40 tokens costs far less than loading did
        expect(performance.now() - t1).toBeLessThan(Math.max(loadMs, 2_000));
      }
      expect((await llm.health?.())?.detail).toMatch(/loaded/);
    } finally {
      await llm.close?.();
    }
  });

  it("a missing model file is a non-retryable ProviderError", async () => {
    const llm = createGgufLlm({ modelPath: join(dir, "nope.gguf"), gpu: false });
    const error = await llm.warmup?.().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
  });
});
