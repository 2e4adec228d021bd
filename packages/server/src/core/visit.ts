import { randomUUID } from "node:crypto";
import type { DeletionRecord, FaceLayout, KeptItem, Language, VisitPhase } from "@mirror/protocol";
import type { ChatMessage } from "./contracts/llm.js";
import type { FillerSource, VoiceProfile } from "./contracts/tts.js";
import type { Turn } from "./turn.js";
import { BiometricVault, findBiometricLeftovers, wipeDeep, type VaultItem } from "./vault.js";

const TRANSITIONS: Readonly<Record<VisitPhase, readonly VisitPhase[]>> = {
  attract: ["consent", "purge"],
  consent: ["capture", "purge"],
  capture: ["clone", "purge"],
  clone: ["conversation", "purge"],
  conversation: ["farewell", "purge"],
  farewell: ["purge"],
  purge: [],
};

export class PhaseError extends Error {
  override readonly name = "PhaseError";
}

/** The operator's retention opt-in (config privacy.retention): copies what it keeps before the vault is wiped. */
export interface Retention {
  keep(visitId: string, items: readonly Readonly<VaultItem>[]): Promise<KeptItem[]>;
}

export type PhaseListener = (visit: Visit, from: VisitPhase, to: VisitPhase) => void;

/**
 * One visitor, from the attract screen to purge. Owns all of their data: the vault (photo, sample, transcripts),
 * the dialogue, the cloned voice and face. After purge() nothing of the visitor is reachable from here.
 */
export class Visit {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  readonly vault = new BiometricVault();
  phase: VisitPhase = "attract";
  language: Language;
  /** dialogue so far: the visitor's words and the double's */
  history: ChatMessage[] = [];
  facts: string[] = [];
  voice: VoiceProfile | null = null;
  /** backchannels in the cloned voice (audio kept in the vault), ready a little after the clone */
  fillers: FillerSource | null = null;
  face: FaceLayout | null = null;
  turns: Turn[] = [];
  conversationStartedAt: number | null = null;
  private record: DeletionRecord | null = null;
  private listeners: PhaseListener[] = [];

  private readonly retention: Retention | null;

  constructor(opts: { language: Language; retention?: Retention | null }) {
    this.language = opts.language;
    this.retention = opts.retention ?? null;
  }

  onPhase(listener: PhaseListener): void {
    this.listeners.push(listener);
  }

  canEnter(to: VisitPhase): boolean {
    return TRANSITIONS[this.phase].includes(to);
  }

  enter(to: VisitPhase): void {
    if (!this.canEnter(to)) throw new PhaseError(`visit cannot go from ${this.phase} to ${to}`);
    const from = this.phase;
    this.phase = to;
    for (const l of this.listeners) l(this, from, to);
  }

  get deletion(): DeletionRecord | null {
    return this.record;
  }

  /** Ends the visit: aborts turns, wipes everything, returns the deletion record. Safe to call twice. */
  async purge(reason: string): Promise<DeletionRecord> {
    if (this.record) return this.record;
    if (this.phase !== "purge") this.enter("purge");
    for (const t of this.turns) t.abort("visit purged");
    const texts = [
      ...this.history.map((m) => m.content),
      ...this.facts,
      ...this.turns.flatMap((t) => [t.userText, t.replyText]),
    ];
    const kept = await this.keepOptedIn();
    const vaultReport = await this.vault.purge();
    if (this.voice) wipeDeep(this.voice.state);
    this.voice = null;
    this.fillers = null;
    this.face = null;
    this.history = [];
    this.facts = [];
    for (const t of this.turns) {
      t.userText = "";
      t.replyText = "";
    }
    const leftovers = findBiometricLeftovers(this, texts);
    texts.length = 0;
    this.record = {
      visitId: this.id,
      reason,
      startedAt: this.startedAt.toISOString(),
      purgedAt: new Date().toISOString(),
      ...vaultReport,
      verified: leftovers.length === 0,
      ...(kept.length > 0 ? { kept } : {}),
    };
    return this.record;
  }

  /** A retention that fails (disk full) keeps nothing; the purge goes on. */
  private async keepOptedIn(): Promise<KeptItem[]> {
    if (!this.retention) return [];
    try {
      return await this.retention.keep(this.id, this.vault.entries());
    } catch {
      return [];
    }
  }
}
