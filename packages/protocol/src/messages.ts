import { z } from "zod";

export const VISIT_PHASES = ["attract", "consent", "capture", "clone", "conversation", "farewell", "purge"] as const;
export const VisitPhase = z.enum(VISIT_PHASES);
export type VisitPhase = z.infer<typeof VisitPhase>;

export const Language = z.enum(["en", "nl"]);
export type Language = z.infer<typeof Language>;

const turnId = z.number().int().nonnegative();

/** What was deleted when a visit was purged: never any biometric content, only what, when, how big, which hash. */
export const DeletionItem = z.object({
  kind: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
/** What the operator's retention opt-in kept of a visit (config privacy.retention): what, how big, until when. */
export const KeptItem = z.object({
  kind: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** ISO time after which the sweeper deletes it */
  until: z.string(),
});
export type KeptItem = z.infer<typeof KeptItem>;
export const DeletionRecord = z.object({
  visitId: z.string(),
  reason: z.string(),
  startedAt: z.string(),
  purgedAt: z.string(),
  items: z.array(DeletionItem),
  tempFilesDeleted: z.number().int().nonnegative(),
  providersNotified: z.array(z.string()),
  verified: z.boolean(),
  /** present only when the operator opted in to keeping something (the visitor was told on the consent screen) */
  kept: z.array(KeptItem).optional(),
});
export type DeletionRecord = z.infer<typeof DeletionRecord>;

export const SampleProblem = z.enum(["too-short", "too-long", "too-quiet", "clipped", "noisy", "no-speech", "two-voices", "odd-speed"]);
export type SampleProblem = z.infer<typeof SampleProblem>;

export const SampleStats = z.object({
  durationMs: z.number(),
  speechMs: z.number(),
  rmsDbfs: z.number(),
  peakDbfs: z.number(),
  clippedRatio: z.number(),
  snrDb: z.number(),
  medianF0Hz: z.number().nullable(),
  syllablesPerSecond: z.number().nullable(),
});
export type SampleStats = z.infer<typeof SampleStats>;

/** Landmark count of the face detector (MediaPipe face mesh 468 + iris 10). */
export const FACE_LANDMARKS = 478;

/** What the kiosk's face detector saw in the photo; the server checks it again before accepting the photo. */
export const FaceDetection = z.object({
  detector: z.string().max(64),
  /** how many faces were found (only one is accepted) */
  faces: z.number().int().min(0).max(64),
  score: z.number().min(0).max(1),
  /** the face box: left, top, width, height (0..1) */
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** head rotation, radians */
  yaw: z.number(),
  pitch: z.number(),
  roll: z.number(),
  /** mean luma of the photo, 0..255 */
  luma: z.number().min(0).max(255),
  /** x, y (0..1 of width / height) and z (units of width) per landmark, interleaved */
  landmarks: z.array(z.number()).max(FACE_LANDMARKS * 3).optional(),
});
export type FaceDetection = z.infer<typeof FaceDetection>;

/** Where the face is in the photo the kiosk sends (normalized 0..1 image coordinates). */
export const FaceLayout = z.object({
  mouth: z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) }),
  mouthWidth: z.number().min(0.01).max(1),
  eyes: z.object({ y: z.number().min(0).max(1), left: z.number(), right: z.number() }),
  /** present when the layout was detected rather than taken from the guide */
  detection: FaceDetection.optional(),
});
export type FaceLayout = z.infer<typeof FaceLayout>;

export const TurnTimings = z.object({
  sttFinal: z.number().optional(),
  endOfTurn: z.number().optional(),
  llmFirstToken: z.number().optional(),
  firstSentence: z.number().optional(),
  ttsFirstAudio: z.number().optional(),
  firstLipFrame: z.number().optional(),
  playbackStart: z.number().optional(),
  firstLipMotion: z.number().optional(),
  bargeInStop: z.number().optional(),
});
export type TurnTimings = z.infer<typeof TurnTimings>;

/** Every per-turn latency, in pipeline order (ms from the end of the visitor's speech; bargeInStop from its onset). */
export const TURN_TIMING_KEYS = [
  "sttFinal",
  "endOfTurn",
  "llmFirstToken",
  "firstSentence",
  "ttsFirstAudio",
  "firstLipFrame",
  "playbackStart",
  "firstLipMotion",
  "bargeInStop",
] as const satisfies readonly (keyof TurnTimings)[];

// ---------- Whisper in the kiosk (transcripts instead of server STT) ----------
/** What the kiosk's browser STT is doing; the server uses its own STT until this says "ready". */
export const BrowserSttState = z.enum(["off", "loading", "ready", "failed"]);
export type BrowserSttState = z.infer<typeof BrowserSttState>;
export const BrowserSttDevice = z.enum(["webgpu", "wasm"]);
export type BrowserSttDevice = z.infer<typeof BrowserSttDevice>;

/** `GET /ears/config.json`: where the kiosk finds the model and the ONNX runtime, all served by Mirror. */
export const BrowserSttConfig = z.object({
  /** model folder name under `modelBase` (transformers.js layout: config.json, onnx/…) */
  model: z.string().min(1).max(200),
  modelBase: z.string().min(1),
  /** onnxruntime-web's .mjs/.wasm files */
  wasmBase: z.string().min(1),
  device: z.enum(["auto", "webgpu", "wasm"]),
  /** weights' precision, per transformers.js (fp32 → onnx/encoder_model.onnx, q8 → …_quantized.onnx, …) */
  dtype: z.string().min(1).max(16),
  maxNewTokens: z.number().int().min(1).max(444),
});
export type BrowserSttConfig = z.infer<typeof BrowserSttConfig>;

const sttRequestId = z.number().int().nonnegative();

// ---------- kiosk → server ----------
export const ClientMessage = z.discriminatedUnion("type", [
  /** the kiosk's Whisper: loading, ready (on which device, which languages), or failed and why (no visitor content) */
  z.object({
    type: z.literal("stt-status"),
    state: BrowserSttState,
    device: BrowserSttDevice.optional(),
    model: z.string().max(200).optional(),
    languages: z.array(Language).max(2).optional(),
    loadMs: z.number().nonnegative().optional(),
    detail: z.string().max(300).optional(),
  }),
  /** text of a requested stretch of the mic, while decoding (final: false) and at the end (final: true) */
  z.object({ type: z.literal("stt-transcript"), requestId: sttRequestId, text: z.string().max(2000), final: z.boolean(), decodeMs: z.number().nonnegative().optional() }),
  /** the kiosk could not transcribe that stretch (audio no longer held, the model failed): the server's STT takes it */
  z.object({ type: z.literal("stt-error"), requestId: sttRequestId, message: z.string().max(300) }),
  z.object({ type: z.literal("hello"), booth: z.string().max(64).optional() }),
  z.object({ type: z.literal("consent"), accepted: z.boolean(), language: Language.optional() }),
  /** The photo and the voice sample travel as binary frames; this says how to read the photo. */
  z.object({ type: z.literal("photo-meta"), mime: z.enum(["image/jpeg", "image/png"]), face: FaceLayout }),
  z.object({ type: z.literal("start-conversation") }),
  z.object({
    type: z.literal("playback"),
    turnId,
    event: z.enum(["started", "ended", "first-lip-motion", "stopped"]),
    /** how long ago (ms) the event happened in the browser, so transport delay is not counted */
    agoMs: z.number().min(0).max(10_000),
    sample: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal("end-visit"), reason: z.enum(["visitor", "walked-away", "operator"]) }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---------- server → kiosk ----------
/** How a booth's screen is mounted: the kiosk lays itself out for it. */
export const BoothDisplay = z.object({
  orientation: z.enum(["portrait", "landscape"]),
  /** the double's canvas size in CSS pixels (default: fills the screen) */
  width: z.number().int().min(160).max(7680).optional(),
  height: z.number().int().min(160).max(7680).optional(),
});
export type BoothDisplay = z.infer<typeof BoothDisplay>;

/** The consent screen, per language, from the server's config (privacy.consent); `kept` says what retention keeps. */
export const ConsentText = z.object({
  title: z.string().min(1).max(200),
  intro: z.string().max(1000),
  photo: z.string().max(1000),
  voice: z.string().max(1000),
  talk: z.string().max(1000),
  use: z.string().max(1000),
  delete: z.string().max(1000),
  kept: z.string().max(1000).optional(),
});
export type ConsentText = z.infer<typeof ConsentText>;

export const ServerMessage = z.discriminatedUnion("type", [
  /** transcribe the mic samples [fromSample, toSample) as stamped on the kiosk's own mic frames */
  z.object({ type: z.literal("stt-request"), requestId: sttRequestId, fromSample: z.number().int().nonnegative(), toSample: z.number().int().nonnegative(), language: Language }),
  /** the server no longer needs that transcript (the visitor went on, the visit ended) */
  z.object({ type: z.literal("stt-cancel"), requestId: sttRequestId }),
  z.object({
    type: z.literal("visit"),
    visitId: z.string(),
    phase: VisitPhase,
    language: Language,
    maxConversationMs: z.number(),
    /** the sentence the visitor reads for the voice sample, per language */
    sampleSentences: z.record(Language, z.string()),
    /** the booth's screen, when its config sets one */
    display: BoothDisplay.optional(),
    /** the consent screen's text per language (config privacy.consent, with the retention notice when one applies) */
    consent: z.record(Language, ConsentText).optional(),
    /** nobody touched the consent / photo / sample screens this long: the kiosk goes back to attract */
    idleTimeoutMs: z.number().int().positive().optional(),
  }),
  z.object({ type: z.literal("phase"), phase: VisitPhase }),
  z.object({ type: z.literal("sample-result"), ok: z.boolean(), problems: z.array(SampleProblem), message: z.string(), stats: SampleStats }),
  z.object({ type: z.literal("photo-result"), ok: z.boolean(), message: z.string() }),
  z.object({ type: z.literal("clone-ready"), cloneMs: z.number() }),
  z.object({ type: z.literal("listening") }),
  z.object({ type: z.literal("transcript"), turnId, text: z.string(), final: z.boolean() }),
  z.object({ type: z.literal("turn-start"), turnId, sampleRate: z.number().int().positive(), fps: z.number().positive() }),
  z.object({ type: z.literal("reply-text"), turnId, text: z.string() }),
  z.object({
    type: z.literal("frames"),
    turnId,
    /** each frame: the output sample it belongs to, 52 weights in ARKIT_52 order, and optionally the 9 head/eye rotations (HEAD_ROTATIONS) */
    frames: z.array(z.object({ sample: z.number().int().nonnegative(), w: z.array(z.number()).length(52), r: z.array(z.number()).length(9).optional() })),
  }),
  z.object({ type: z.literal("turn-end"), turnId, totalSamples: z.number().int().nonnegative() }),
  z.object({ type: z.literal("interrupt"), turnId }),
  /** visitor speech over the double: fall silent now, keep the turn's place (a backchannel may resume it) */
  z.object({ type: z.literal("playback-pause"), turnId }),
  /** it was a backchannel ("mm", "yes"): play on from where the pause held */
  z.object({ type: z.literal("playback-resume"), turnId }),
  z.object({ type: z.literal("timings"), turnId, timings: TurnTimings }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
  /** `receipt`: short code derived from the record (SHA-256 of its canonical JSON), for the farewell screen */
  z.object({ type: z.literal("purged"), record: DeletionRecord, receipt: z.string().max(16).optional() }),
  /** the GPU budget: the kiosk's renderer draws at most this many frames per second (null: as fast as it can) */
  z.object({ type: z.literal("render-budget"), maxFps: z.number().int().min(1).max(240).nullable() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

/** Parses one JSON text frame; returns a typed error instead of throwing. */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const r = ClientMessage.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: r.error.issues.map((i) => i.message).join("; ") };
}

export function parseServerMessage(text: string): ServerMessage | null {
  try {
    const r = ServerMessage.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

// ---------- operator console (server → console, no visitor content) ----------
/** Health and load of one pool of GPU endpoints (timings and counts only). */
export const PoolStatus = z.object({
  pool: z.string(),
  queued: z.number().int(),
  endpoints: z.array(
    z.object({
      endpoint: z.string(),
      up: z.boolean(),
      circuit: z.enum(["closed", "open", "half-open"]),
      inflight: z.number().int(),
      maxConcurrent: z.number().int(),
      requests: z.number().int(),
      failures: z.number().int(),
      errorRate: z.number(),
      latencyMs: z.number().nullable(),
    }),
  ),
});
export type PoolStatus = z.infer<typeof PoolStatus>;

export const SystemStats = z.object({
  cpuPercent: z.number(),
  loadAverage1m: z.number(),
  cores: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  heapTotalBytes: z.number(),
  externalBytes: z.number(),
  arrayBuffersBytes: z.number(),
  openFds: z.number().nullable(),
  eventLoopLagP99Ms: z.number(),
  eventLoopLagMaxMs: z.number(),
  uptimeS: z.number(),
});
export type SystemStats = z.infer<typeof SystemStats>;

/** What the operator may do from the console (POST /api/console/control). */
export const ConsoleControl = z.discriminatedUnion("action", [
  z.object({ action: z.literal("end-visit"), visitId: z.string().max(64) }),
  z.object({ action: z.literal("skip-phase"), visitId: z.string().max(64) }),
  z.object({ action: z.literal("pause") }),
  z.object({ action: z.literal("resume") }),
]);
export type ConsoleControl = z.infer<typeof ConsoleControl>;

export const ConsoleEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("visit"), visitId: z.string(), phase: VisitPhase, at: z.string() }),
  z.object({ type: z.literal("turn"), visitId: z.string(), turnId, interrupted: z.boolean(), timings: TurnTimings }),
  z.object({ type: z.literal("purged"), record: DeletionRecord }),
  /** providers' own checks, and (with `state`) how each provider of a fallback chain fares in visits: last error class only */
  z.object({
    type: z.literal("health"),
    providers: z.record(
      z.string(),
      z.object({ ok: z.boolean(), detail: z.string(), state: z.enum(["ok", "degraded", "down"]).optional(), lastError: z.string().max(40).optional() }),
    ),
  }),
  z.object({ type: z.literal("pools"), pools: z.array(PoolStatus) }),
  /** the machine and the installation (CPU, memory, event-loop lag, paused), every few seconds */
  z.object({ type: z.literal("system"), at: z.string(), paused: z.boolean(), openVisits: z.number().int().nonnegative(), stats: SystemStats }),
  /** the visit's clone: time and how close base voice and clone sound to the sample (0..1), scores only */
  z.object({
    type: z.literal("voice"),
    visitId: z.string(),
    cloneMs: z.number(),
    similarity: z.object({ base: z.number(), converted: z.number() }).nullable(),
  }),
  z.object({
    type: z.literal("booths"),
    booths: z.array(z.object({ id: z.string(), label: z.string(), connected: z.boolean(), visitId: z.string().nullable(), phase: z.string().nullable() })),
  }),
]);
export type ConsoleEvent = z.infer<typeof ConsoleEvent>;
