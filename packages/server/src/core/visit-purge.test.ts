import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeletionRecord } from "@mirror/protocol";
import { systemClock } from "./clock.js";
import { Turn } from "./turn.js";
import { findBiometricLeftovers } from "./vault.js";
import { PhaseError, Visit } from "./visit.js";

function filled(n: number, v = 0.25): Float32Array {
  return new Float32Array(n).fill(v);
}

describe("visit purge", () => {
  it("leaves no biometric data reachable from the visit and reports only what, when, sizes and hashes", async () => {
    const visit = new Visit({ language: "en" });
    visit.enter("consent");
    visit.enter("capture");
    const photo = new Uint8Array(5000).fill(200);
    const sample = new Int16Array(80_000).fill(1234);
    const clean = filled(70_000);
    visit.vault.put("photo", photo);
    visit.vault.put("voice-sample", sample);
    visit.vault.put("voice-sample-clean", clean);
    const tmp = mkdtempSync(join(tmpdir(), "mirror-visit-"));
    const tmpFile = join(tmp, "ref.wav");
    writeFileSync(tmpFile, "RIFF....");
    visit.vault.registerTempFile(tmp);
    let forgot = 0;
    visit.vault.onPurge("tts/test", async () => {
      forgot++;
    });
    const reference = filled(48_000, 0.5);
    visit.voice = { id: "v1", provider: "tts/test", language: "en", medianF0Hz: 190, syllablesPerSecond: 4.2, state: { reference, params: { pitch: 61 } } };
    visit.face = { mouth: { x: 0.5, y: 0.73 }, mouthWidth: 0.28, eyes: { y: 0.45, left: 0.36, right: 0.64 } };
    visit.enter("clone");
    visit.enter("conversation");
    const secret = "my name is Anna and I live in Eindhoven";
    const turn = new Turn(1, systemClock);
    turn.userText = secret;
    turn.replyText = "your name is Anna and you live in Eindhoven";
    visit.turns.push(turn);
    visit.history.push({ role: "user", content: secret }, { role: "assistant", content: turn.replyText });
    visit.facts.push("name is Anna");
    visit.vault.putText("transcript", secret);

    const texts = [secret, turn.replyText, "name is Anna"];
    expect(findBiometricLeftovers(visit, texts).length).toBeGreaterThan(0);

    const record = await visit.purge("visitor");
    expect(findBiometricLeftovers(visit, texts)).toEqual([]);
    expect(record.verified).toBe(true);
    // buffers handed to the vault are wiped in place, so copies held elsewhere by reference are empty too
    expect(photo.every((b) => b === 0)).toBe(true);
    expect(sample.every((b) => b === 0)).toBe(true);
    expect(clean.every((b) => b === 0)).toBe(true);
    expect(reference.every((b) => b === 0)).toBe(true);
    expect(existsSync(tmpFile)).toBe(false);
    expect(forgot).toBe(1);
    expect(turn.signal.aborted).toBe(true);
    expect(visit.voice).toBeNull();
    expect(visit.face).toBeNull();
    expect(visit.phase).toBe("purge");

    expect(DeletionRecord.parse(record)).toEqual(record);
    expect(record.items.map((i) => i.kind).sort()).toEqual(["photo", "transcript", "voice-sample", "voice-sample-clean"]);
    expect(record.items.find((i) => i.kind === "photo")?.bytes).toBe(5000);
    expect(record.items.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(record.tempFilesDeleted).toBe(1);
    expect(record.providersNotified).toEqual(["tts/test"]);
    const json = JSON.stringify(record);
    expect(json).not.toContain("Anna");
    expect(json).not.toContain("Eindhoven");

    // purge is idempotent; data arriving late (a reply finishing after the visitor left) is wiped, not kept
    expect(await visit.purge("again")).toBe(record);
    const late = new Uint8Array(10).fill(7);
    expect(visit.vault.put("photo", late)).toBe(false);
    expect(late.every((b) => b === 0)).toBe(true);
    expect(visit.vault.putText("transcript", "late words")).toBe(false);
    expect(findBiometricLeftovers(visit, ["late words"])).toEqual([]);
    let lateForget = 0;
    visit.vault.onPurge("late", async () => {
      lateForget++;
    });
    expect(lateForget).toBe(1);
  });

  it("flags a purge that could not remove everything", async () => {
    const visit = new Visit({ language: "en" });
    const leaked = new Float32Array(1000).fill(0.3);
    (visit as unknown as { debugCopy: Float32Array }).debugCopy = leaked;
    const record = await visit.purge("timeout");
    expect(record.verified).toBe(false);
  });

  it("walks the visit phases in order only", () => {
    const visit = new Visit({ language: "nl" });
    expect(() => visit.enter("conversation")).toThrow(PhaseError);
    const seen: string[] = [];
    visit.onPhase((_v, from, to) => seen.push(`${from}>${to}`));
    for (const p of ["consent", "capture", "clone", "conversation", "farewell", "purge"] as const) visit.enter(p);
    expect(seen).toEqual(["attract>consent", "consent>capture", "capture>clone", "clone>conversation", "conversation>farewell", "farewell>purge"]);
    expect(visit.canEnter("attract")).toBe(false);
  });
});
