/**
 * The operator's retention opt-in over the real server: a visit that consented under the retention notice leaves
 * exactly the opted-in items (here: transcripts), sealed in a 0600 file in a 0700 directory, listed in the deletion
 * record as "kept until …", and the sweeper deletes them when their time is up.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int16ToBytes, MIC_SAMPLE_RATE } from "@mirror/protocol";
import { loadConfig } from "../config/config.js";
import { consentScreens, RETENTION_ACKNOWLEDGEMENT } from "../config/privacy.js";
import { KioskClient } from "../testing/kiosk-client.js";
import { fixtureVisitor, startTestServer, type TestServer } from "../testing/test-server.js";
import { createRetention } from "./from-config.js";
import type { RetentionStore } from "./retention-store.js";

const DAY = 86_400_000;
const WORDS = "my favourite bird is the kakapo7f3";

describe("retention opt-in", () => {
  let root: string;
  let dir: string;
  let now = Date.parse("2026-12-01T12:00:00Z");
  let store: RetentionStore;
  let t: TestServer;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "retention-test-"));
    dir = join(root, "kept");
    const config = loadConfig({
      env: {},
      overrides: {
        privacy: {
          retention: {
            keepTranscripts: true,
            keepFor: "7d",
            dir,
            purpose: { en: "for the artist's archive", nl: "voor het archief van de kunstenaar" },
            acknowledge: RETENTION_ACKNOWLEDGEMENT,
          },
        },
      },
    });
    const made = createRetention(config.privacy.retention, { configDir: join(root, "config"), env: {}, now: () => now });
    if (!made) throw new Error("retention should be on");
    store = made;
    t = await startTestServer({ sttText: WORDS, session: { consent: consentScreens(config.privacy), retention: store } });
  });
  afterAll(async () => {
    store?.stop();
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("tells the visitor, keeps only the transcripts (sealed, 0600 in 0700), lists them in the record, and expires them", async () => {
    const v = fixtureVisitor();
    const k = await KioskClient.connect(t.server.url);
    const visit = await k.next("visit");
    expect(visit.consent?.en.kept).toMatch(/^Kept after your visit, for 7 days \(for the artist's archive\): what you said in the conversation\./);
    expect(visit.consent?.nl.kept).toMatch(/^Na je bezoek bewaren we 7 dagen/);

    await k.startVisit(v.photo, v.sample);
    const turn = v.turns[0];
    if (!turn) throw new Error("fixture without turns");
    await k.speak(turn.pcm, 20);
    await k.speak(new Int16Array(MIC_SAMPLE_RATE), 20);
    await k.next("transcript", { where: (m) => m.final, timeoutMs: 20_000 });
    await k.next("reply-text", { timeoutMs: 20_000 });
    k.send({ type: "end-visit", reason: "visitor" });
    const { record } = await k.next("purged", { timeoutMs: 20_000 });
    await k.close();

    expect(record.verified).toBe(true);
    expect(record.kept?.map((x) => x.kind)).toEqual(["transcripts"]);
    expect(record.kept?.[0]?.until).toBe(new Date(now + 7 * DAY).toISOString());
    // the photo and the sample were deleted as usual
    expect(record.items.map((i) => i.kind)).toEqual(expect.arrayContaining(["photo", "voice-sample", "transcript"]));

    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const file = join(dir, files[0] ?? "");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "config", "retention-key")).mode & 0o777).toBe(0o600);
    // sealed: the words are not in the file as written, but are there once opened with the key
    const sealed = readFileSync(file);
    expect(sealed.includes(Buffer.from("kakapo7f3"))).toBe(false);
    const opened = (await store.read(file)).toString("utf8");
    expect(opened).toContain(WORDS);
    expect(opened.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual(expect.arrayContaining(["transcript", "reply"]));
    // nothing of the photo or the voice sample, sealed or not
    const sampleBytes = Buffer.from(int16ToBytes(v.sample.subarray(2 * MIC_SAMPLE_RATE, 2 * MIC_SAMPLE_RATE + 24)));
    expect(sealed.includes(sampleBytes) || Buffer.from(opened).includes(sampleBytes)).toBe(false);
    expect(record.kept?.[0]?.bytes).toBe(Buffer.byteLength(opened));

    now += 7 * DAY - 60_000;
    expect(await store.sweep()).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
    now += 60_000;
    expect(await store.sweep()).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it("is off unless configured: the default config makes no store", () => {
    expect(createRetention(loadConfig({ env: {} }).privacy.retention, { configDir: join(root, "never") })).toBeNull();
    expect(() => statSync(join(root, "never"))).toThrow();
  });
});
