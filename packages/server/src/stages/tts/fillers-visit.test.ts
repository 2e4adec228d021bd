/** Fillers through a whole visit over the kiosk WebSocket: a slow brain is covered by a filler, and the fillers go with the purge. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { Llm, LlmEvent, LlmRequest } from "../../core/contracts/llm.js";
import { FakeLlm } from "../../testing/fakes/stages.js";
import { KioskClient } from "../../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../../testing/test-server.js";
import { DEFAULT_FILLER_TEXTS } from "./fillers.js";

const THINK_MS = 1_500;
const REPLY = "You sound like me already. Tell me more.";

/** A brain that thinks THINK_MS before its first word; records when that word left it. */
class SlowBrain implements Llm {
  readonly inner = new FakeLlm(REPLY.split(" "), 1);
  readonly info = this.inner.info;
  readonly capabilities = { streaming: true };
  firstTokenAt: number[] = [];
  async *stream(req: LlmRequest): AsyncIterable<LlmEvent> {
    await new Promise((r) => setTimeout(r, THINK_MS));
    this.firstTokenAt.push(performance.now());
    yield* this.inner.stream(req);
  }
}

describe("fillers through a whole visit", () => {
  let t: TestServer;
  const brain = new SlowBrain();
  beforeAll(async () => {
    t = await startTestServer({ llm: brain, sttText: "I grew up by the sea" });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function visitTurn(fillers: { enabled: boolean; delayMs: number }) {
    t.providers.fillers = fillers;
    const v = fixtureVisitor();
    const k = await KioskClient.connect(t.server.url);
    await k.startVisit(v.photo, v.sample);
    await k.next("turn-end", { timeoutMs: 20_000 }); // the greeting (never a filler)
    const turn = v.turns[0];
    if (!turn) throw new Error("fixture without turns");
    // the fillers are made right after the clone; give them a moment on a loaded box
    await new Promise((r) => setTimeout(r, 500));
    const from = k.messages.length;
    await k.speak(turn.pcm, 20);
    await k.speak(new Int16Array(MIC_SAMPLE_RATE / 2), 20);
    const first = await k.next("reply-text", { from, timeoutMs: 20_000 });
    const firstAt = performance.now();
    const full = await k.next("reply-text", { from, timeoutMs: 20_000, where: (m) => m.text.includes("Tell me more") });
    k.send({ type: "end-visit", reason: "visitor" });
    const { record } = await k.next("purged", { timeoutMs: 20_000 });
    await k.close();
    return { first, firstAt, full, record };
  }

  it("a filler in the cloned voice is heard before the slow reply, and is purged with the visit", async () => {
    const { first, firstAt, full, record } = await visitTurn({ enabled: true, delayMs: 300 });
    expect(DEFAULT_FILLER_TEXTS.en).toContain(first.text.trim());
    // the filler reached the kiosk while the brain was still thinking
    expect(firstAt).toBeLessThan(brain.firstTokenAt.at(-1) ?? Infinity);
    expect(full.turnId).toBe(first.turnId);
    expect(full).not.toBe(first); // the reply itself followed, in the same turn
    expect(record.verified).toBe(true);
    expect(record.items.filter((i) => i.kind === "voice-filler").length).toBe(DEFAULT_FILLER_TEXTS.en.length);
  });

  it("switched off: the slow reply comes without a filler, and none is made", async () => {
    const { first, record } = await visitTurn({ enabled: false, delayMs: 300 });
    expect(first.text).toContain(REPLY.split(" ")[0]);
    expect(record.items.some((i) => i.kind === "voice-filler")).toBe(false);
  });
});
