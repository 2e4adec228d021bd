import type { ConsoleEvent } from "@mirror/protocol";
import { ConsoleEvent as ConsoleEventSchema } from "@mirror/protocol";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../core/errors.js";
import { ConsoleApi } from "../http/console-api.js";
import { MetricsObserver } from "./metrics.js";
import { ProviderStatusBoard, classifyError } from "./provider-status.js";
import { SystemMonitor } from "./system-monitor.js";

const err = (message: string, retryable: boolean, status?: number, cause?: unknown) =>
  new ProviderError("llm/gemini", message, { retryable, ...(status !== undefined ? { status } : {}), cause });

describe("provider status board", () => {
  it("classifies by status, then by the error chain's codes", () => {
    expect(classifyError(err("x", false, 401))).toBe("auth");
    expect(classifyError(err("x", true, 429))).toBe("rate-limited");
    expect(classifyError(err("x", true, 503))).toBe("server-error");
    expect(classifyError(err("fetch failed", true, undefined, Object.assign(new Error("connect"), { code: "ECONNREFUSED" })))).toBe("refused");
    expect(classifyError(err("no first data within 300 ms (timeout)", true))).toBe("timeout");
    expect(classifyError(err("malformed answer (no stream chunks)", true))).toBe("malformed");
    expect(classifyError(err("something odd", true))).toBe("other");
  });

  it("degraded after a retryable failure, down after three in a row or a fatal one, ok after an answer", () => {
    const board = new ProviderStatusBoard();
    board.failure("llm/gemini", err("HTTP 503", true, 503));
    expect(board.get("llm/gemini")).toMatchObject({ state: "degraded", lastError: "server-error", consecutiveFailures: 1 });
    board.failure("llm/gemini", err("HTTP 503", true, 503));
    board.failure("llm/gemini", err("HTTP 503", true, 503));
    expect(board.get("llm/gemini")?.state).toBe("down");
    board.success("llm/gemini");
    expect(board.get("llm/gemini")).toMatchObject({ state: "ok", consecutiveFailures: 0, lastError: "server-error" });
    board.failure("llm/gemini", err("bad key", false, 401));
    expect(board.get("llm/gemini")?.state).toBe("down");
  });

  it("reaches the console at once, with the error class and never the error's text", async () => {
    const board = new ProviderStatusBoard();
    const api = new ConsoleApi({
      sessions: new Set(),
      metrics: new MetricsObserver(),
      monitor: new SystemMonitor(),
      installation: { paused: false },
      healthSources: () => ({}),
      providerStatus: board,
    });
    const seen: ConsoleEvent[] = [];
    // the live view's subscriber list, as the SSE stream fills it
    (api as unknown as { subscribers: Set<(ev: ConsoleEvent) => void> }).subscribers.add((ev) => seen.push(ev));
    board.failure("tts/f5-socket", new ProviderError("tts/f5-socket", "HTTP 500 body: secret-visitor-words sk-KEY", { retryable: true, status: 500 }));
    const health = seen.find((e) => e.type === "health");
    expect(health && ConsoleEventSchema.safeParse(health).success).toBe(true);
    const entry = health?.type === "health" ? health.providers["tts · tts/f5-socket"] : undefined;
    expect(entry).toMatchObject({ ok: true, state: "degraded", lastError: "server-error" });
    expect(JSON.stringify(seen)).not.toMatch(/secret-visitor-words|sk-KEY/);
    await Promise.resolve();
    api.close();
  });
});
