/**
 * The deployment files: `docker compose config` accepts deploy/compose.gpu.yml (with and without the
 * LLM profiles) and rejects a broken file; Mirror's config inside it validates. No image is pulled or built.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../packages/server/src/config/config.js";

const root = join(import.meta.dirname, "..");
const compose = (...args: string[]) => spawnSync("docker", ["compose", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, GEMINI_API_KEY: "", NGC_API_KEY: "" } });

describe("deploy/compose.gpu.yml", () => {
  // one call with both LLM profiles: the Python Compose takes seconds to start on a loaded box
  it("passes `docker compose config` (with the vLLM and Ollama profiles), with every service, health check and model volume", () => {
    const r = compose("-f", "deploy/compose.gpu.yml", "--profile", "vllm", "--profile", "ollama", "config");
    expect(r.stderr).not.toMatch(/invalid|error/i);
    expect(r.status).toBe(0);
    for (const s of ["mirror:", "f5-sidecar:", "whisper:", "a2f3d:", "vllm:", "ollama:"]) expect(r.stdout).toContain(s);
    for (const v of ["f5-models", "whisper-models", "a2f-cache", "llm-models", "ollama-models"]) expect(r.stdout).toContain(v);
    expect(r.stdout.match(/healthcheck:/g)?.length ?? 0).toBe(6);
  });

  it("the same check rejects a broken compose file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mirror-compose-"));
    try {
      const broken = readFileSync(join(root, "deploy/compose.gpu.yml"), "utf8").replace('      - "${MIRROR_PORT:-8080}:8080"', '    ports_typo: 8080');
      writeFileSync(join(dir, "compose.yml"), broken);
      expect(compose("-f", join(dir, "compose.yml"), "config").status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps secrets out of the files: keys come only from the environment", () => {
    const text = readFileSync(join(root, "deploy/compose.gpu.yml"), "utf8");
    for (const key of ["GEMINI_API_KEY", "NGC_API_KEY", "HF_TOKEN", "MIRROR_METRICS_TOKEN"]) expect(text).toMatch(new RegExp(`${key}: \\$\\{${key}:-\\}`));
    expect(execFileSync("git", ["check-ignore", "deploy/.env"], { cwd: root, encoding: "utf8" }).trim()).toBe("deploy/.env");
  });

  it("Mirror's config in the compose file validates, with the F5 sidecar as a pool", () => {
    const config = loadConfig({ file: join(root, "deploy/mirror.gpu.json"), env: {} });
    expect(config.pools.f5Sidecar?.endpoints).toEqual([{ url: "http://f5-sidecar:9999", maxConcurrent: 1 }]);
    expect(config.stages.lipsync).toMatchObject({ provider: "a2f3d", a2f3d: { address: "a2f3d:52000" } });
  });
});
