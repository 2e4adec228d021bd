import { defineConfig } from "vitest/config";

// Tests whose acceptance bounds are milliseconds of latency or send jitter. They run last, one file at a time, so
// the rest of the suite (Chromium, PocketSphinx, the privacy memory scan) does not load the 2 cores they measure on.
const timing = [
  "packages/server/src/stages/tts/f5/f5-latency.test.ts",
  "packages/server/src/stages/llm/gemini/overhead.test.ts",
  "packages/server/src/stages/stt/pocketsphinx/pocketsphinx.test.ts",
  "packages/server/src/sinks/a2f/legacy-sink.test.ts",
  "packages/server/src/sinks/livelink/livelink-sink.test.ts",
  "packages/server/src/stages/lipsync/builtin/latency-alignment.test.ts",
  "packages/server/src/core/backchannel-pocketsphinx.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...timing],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "timing",
          include: timing,
          testTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
