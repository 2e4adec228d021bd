/**
 * The provider fault suite: every remote provider × every fault that applies to its wire, through the fault proxies
 * in front of its healthy fake, inside the real fallback chain with the embedded member behind it. Each case proves:
 * (a) a typed ProviderError with the right `retryable`, within the provider's own limit (no hang);
 * (b) the visitor still gets an answer, from the fallback, and how long that took;
 * (c) nothing leaks: the provider hung up on what it gave up on, and no promise rejection went unhandled;
 * (d) the provider's state on the console's board: degraded, or down when it will not heal by retrying.
 * Run per stage (llm-/stt-/tts-faults.test.ts, so the three run side by side). MIRROR_FAULT_TABLE=<prefix> writes the
 * measured tables to <prefix>.<stage>.md (docs/operations.md has them).
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { ProviderStatusBoard, classifyError } from "../../observers/provider-status.js";
import type { FaultTarget, RunningTarget } from "./fault-table.js";
import { describeFault } from "./faults.js";
import { settleTicks, watchUnhandledRejections } from "./leak-watch.js";

interface Row {
  provider: string;
  fault: string;
  error: string;
  failedMs: number | null;
  answeredBy: string | null;
  firstOutputMs: number | null;
}
export function faultSuite(stage: string, targets: readonly FaultTarget[]): void {
  const rows: Row[] = [];

  for (const target of targets) {
    describe(`provider faults: ${target.providerId} (fallback ${target.fallbackId})`, () => {
      let run: RunningTarget;
      beforeAll(async () => {
        run = await target.start();
      }, 60_000);
      afterAll(async () => {
        await run?.close();
      });

      for (const c of target.cases) {
        const title = c.retryable === null ? `${c.name}: it answers itself` : `${c.name}: ${c.retryable ? "retryable" : "fatal"} ProviderError, ${target.fallbackId} answers`;
        it(title, async () => {
          const unhandled = watchUnhandledRejections();
          const board = new ProviderStatusBoard();
          try {
            await run.setFault(c);
            const r = await run.attempt(board);
            const state = board.get(target.providerId);
            const seen = JSON.stringify({ error: r.failure?.message, kind: r.failure ? classifyError(r.failure) : null, failedMs: r.failedMs, answeredBy: r.answeredBy, state });
            expect(r.amount, `the visitor got an answer: ${seen}`).toBeGreaterThan(0);
            if (c.retryable === null) {
              expect(r.failure, seen).toBeNull();
              expect(r.answeredBy, seen).toBe(target.providerId);
              expect(state?.state, seen).toBe("ok");
            } else {
              expect(r.failure, seen).toBeInstanceOf(ProviderError);
              const failure = r.failure as ProviderError;
              const kind = classifyError(failure);
              expect({ retryable: failure.retryable, kind }, seen).toEqual({ retryable: c.retryable, kind: expect.toSatisfy((k: string) => c.classes.includes(k as never)) });
              expect(r.failedMs, seen).toBeLessThan(c.failWithinMs);
              expect(r.answeredBy, seen).toBe(target.fallbackId);
              expect(state, seen).toMatchObject({ state: c.retryable && kind !== "refused" ? "degraded" : "down", lastError: kind });
              if (!c.lingers) expect(await run.settled(2_000), "the provider let go of the answer it gave up on").toBe(true);
            }
            await settleTicks();
            expect(unhandled.errors).toEqual([]);
            rows.push({
              provider: target.providerId,
              fault: c.fault.kind === "none" ? "healthy" : `${c.name} (${describeFault(c.fault)})`,
              error: r.failure ? `${classifyError(r.failure)}, ${r.failure.retryable ? "retryable" : "fatal"}${c.lingers ? ` (lingers: ${c.lingers})` : ""}` : "—",
              failedMs: r.failedMs,
              answeredBy: r.answeredBy,
              firstOutputMs: r.firstOutputMs,
            });
          } finally {
            unhandled.stop();
          }
        }, 15_000);
      }
    });
  }

  afterAll(() => {
    const prefix = process.env.MIRROR_FAULT_TABLE;
    if (!prefix) return;
    const file = `${prefix}.${stage}.md`;
    const ms = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
    const lines = rows.map((r) => `| ${r.provider} | ${r.fault} | ${r.error} | ${ms(r.failedMs)} | ${r.answeredBy ?? "—"} | ${ms(r.firstOutputMs)} |`);
    writeFileSync(file, ["| provider | fault | error | failed after | answered by | first output |", "|---|---|---|---|---|---|", ...lines].join("\n") + "\n");
  });
}
