import { z } from "zod";
import { BoothDisplay, Language, type ServerMessage } from "@mirror/protocol";
import type { WebSocket } from "ws";
import { EXPERIENCE, HARD_CAP_MS } from "../script/experience.js";
import { createDialoguePlan } from "../script/plan.js";
import type { VisitSession, VisitSessionOptions } from "../session/visit-session.js";

export const BoothId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "booth id: 1–32 letters, digits, - or _");

/** One booth (a kiosk browser at `/?booth=<id>`) of a Mirror that serves several. */
export const BoothConfig = z.object({
  id: BoothId,
  /** shown on the console */
  label: z.string().max(64).optional(),
  /** the booth's first language (visitors may still switch at consent) */
  language: Language.optional(),
  /** the booth's experience: a shorter conversation than the standard five minutes (the visit's hard cap; the farewell comes at it) */
  conversationMs: z.number().int().min(60_000).max(HARD_CAP_MS).optional(),
  /** the booth's screen, sent to its kiosk with every visit */
  display: BoothDisplay.optional(),
});
export type BoothConfig = z.infer<typeof BoothConfig>;

export const BoothsConfig = z
  .object({
    /** when given, only these booth ids may connect; otherwise any well-formed id */
    list: z.array(BoothConfig).default([]),
    /** a booth's browser that drops off gets its running visit back if it returns within this time */
    reconnectGraceMs: z.number().int().min(0).max(120_000).default(20_000),
  })
  .prefault({});
export type BoothsConfig = z.infer<typeof BoothsConfig>;

export interface BoothStatus {
  id: string;
  label: string;
  connected: boolean;
  visitId: string | null;
  phase: string | null;
}

interface Booth {
  config: BoothConfig;
  session: VisitSession | null;
  socket: WebSocket | null;
  graceTimer: NodeJS.Timeout | null;
}

/** WebSocket close code for a booth's older browser when a newer one takes the booth over. */
export const REPLACED_CLOSE_CODE = 4000;

/**
 * Booths of one Mirror: at most one visit per booth, isolated from the others; a booth's browser that
 * reconnects within the grace time is put back on its running visit (a network blip ends no visit).
 */
export class BoothRegistry {
  private readonly booths = new Map<string, Booth>();
  /** told when a booth's visit session ends for good (the grace ran out) */
  onEnd: (session: VisitSession) => void = () => undefined;

  constructor(private readonly config: BoothsConfig = BoothsConfig.parse({})) {
    for (const b of config.list) this.booths.set(b.id, { config: b, session: null, socket: null, graceTimer: null });
  }

  /** The booth's config, or null when the id is malformed or not in a configured list. */
  lookup(id: string): BoothConfig | null {
    if (!BoothId.safeParse(id).success) return null;
    const known = this.booths.get(id);
    if (known) return known.config;
    return this.config.list.length ? null : { id };
  }

  /**
   * Connects `socket` to the booth: its running visit when there is one (the kiosk is told the phase),
   * else a new session from `create`. An older socket of the same booth is closed.
   */
  attach(id: string, socket: WebSocket, create: (extra: Partial<VisitSessionOptions>) => VisitSession): { session: VisitSession; resumed: boolean } {
    const config = this.lookup(id);
    if (!config) throw new Error(`unknown booth ${id}`);
    const booth = this.booths.get(id) ?? { config, session: null, socket: null, graceTimer: null };
    this.booths.set(id, booth);
    if (booth.graceTimer) clearTimeout(booth.graceTimer);
    booth.graceTimer = null;
    const previous = booth.socket;
    booth.socket = socket;
    if (previous && previous !== socket) previous.close(REPLACED_CLOSE_CODE, "another browser took this booth");
    if (booth.session) {
      const phase: ServerMessage = { type: "phase", phase: booth.session.visit.phase };
      socket.send(JSON.stringify(phase));
      return { session: booth.session, resumed: true };
    }
    const send = (data: string | Uint8Array): void => {
      const s = booth.socket;
      if (s && s.readyState === s.OPEN) s.send(data);
    };
    booth.session = create({
      channel: { send: (msg) => send(JSON.stringify(msg)), sendBinary: (bytes) => send(bytes) },
      ...(config.language ? { language: config.language } : {}),
      ...(config.conversationMs ? { plan: createDialoguePlan(EXPERIENCE, config.conversationMs) } : {}),
      ...(config.display ? { display: config.display } : {}),
    });
    return { session: booth.session, resumed: false };
  }

  /** The booth's socket closed: its visit waits `reconnectGraceMs` for the browser, then ends (and is purged). */
  detach(id: string, socket: WebSocket): void {
    const booth = this.booths.get(id);
    if (!booth || booth.socket !== socket) return;
    booth.socket = null;
    booth.graceTimer = setTimeout(() => void this.end(booth), this.config.reconnectGraceMs);
  }

  status(): BoothStatus[] {
    return [...this.booths.values()].map((b) => ({
      id: b.config.id,
      label: b.config.label ?? b.config.id,
      connected: b.socket !== null,
      visitId: b.session?.visit.id ?? null,
      phase: b.session?.visit.phase ?? null,
    }));
  }

  sessions(): VisitSession[] {
    return [...this.booths.values()].flatMap((b) => (b.session ? [b.session] : []));
  }

  async close(): Promise<void> {
    await Promise.all([...this.booths.values()].map((b) => this.end(b)));
  }

  private async end(booth: Booth): Promise<void> {
    if (booth.graceTimer) clearTimeout(booth.graceTimer);
    booth.graceTimer = null;
    const session = booth.session;
    booth.session = null;
    if (!this.config.list.some((b) => b.id === booth.config.id)) this.booths.delete(booth.config.id);
    if (session) this.onEnd(session);
    await session?.close();
  }
}
