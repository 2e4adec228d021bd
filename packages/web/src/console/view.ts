import { h } from "../shared/dom.js";
import { TIMING_COLUMNS, type ConsoleModel } from "./model.js";
import { formatBytes, formatMs, percentile } from "./stats.js";

const LABELS: Record<(typeof TIMING_COLUMNS)[number], string> = {
  sttFinal: "STT final",
  endOfTurn: "end of turn",
  llmFirstToken: "LLM 1st token",
  firstSentence: "1st sentence",
  ttsFirstAudio: "TTS 1st audio",
  firstLipFrame: "1st lip frame",
  playbackStart: "playback start",
  firstLipMotion: "1st lip motion",
  bargeInStop: "barge-in stop",
};

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function table(head: string[], rows: HTMLElement[], cls: string): HTMLTableElement {
  return h(
    "table",
    { class: cls },
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", {}, c)))),
    h("tbody", {}, ...rows),
  );
}

function row(cells: (string | Node)[], cls = ""): HTMLTableRowElement {
  return h("tr", cls ? { class: cls } : {}, ...cells.map((c) => h("td", {}, c)));
}

export function renderHealth(model: ConsoleModel): HTMLElement {
  const chips = Object.entries(model.health).map(([name, s]) =>
    h("span", { class: `chip ${s.state === "degraded" ? "degraded" : s.ok ? "ok" : "bad"}`, title: s.detail }, s.state ? `${name}: ${s.state}` : name),
  );
  return h("div", { class: "health" }, ...chips);
}

export function renderVisits(model: ConsoleModel): HTMLElement {
  const rows = [...model.visits.values()]
    .reverse()
    .map((v) =>
      row([v.visitId.slice(0, 8), h("span", { class: `phase ${v.phase}` }, v.phase), time(v.startedAt), time(v.updatedAt), String(v.turns), String(v.interrupted), v.voice ?? ""]),
    );
  return table(["visit", "phase", "started", "updated", "turns", "interrupted", "clone · voice similarity"], rows, "visits");
}

/** Per-turn timings (ms, as the server measures them), newest first, with the session's p50 on top. */
export function renderTurns(model: ConsoleModel): HTMLElement {
  const p50 = row(
    ["p50", `${model.turns.size} turns`, "", ...TIMING_COLUMNS.map((c) => formatMs(percentile(model.column(c), 50)))],
    "summary",
  );
  const rows = [...model.turns.values()]
    .reverse()
    .map((t) =>
      row(
        [t.visitId.slice(0, 8), String(t.turnId), t.interrupted ? "yes" : "", ...TIMING_COLUMNS.map((c) => formatMs(t.timings[c]))],
        t.interrupted ? "interrupted" : "",
      ),
    );
  return table(["visit", "turn", "interrupted", ...TIMING_COLUMNS.map((c) => LABELS[c])], [p50, ...rows], "turns");
}

export function renderDeletions(model: ConsoleModel): HTMLElement {
  const rows = model.deletions.map((d) => {
    const items = d.items.map((i) => h("span", { class: "item", title: `sha256 ${i.sha256}` }, `${i.kind} ${formatBytes(i.bytes)}`));
    return row(
      [
        d.visitId.slice(0, 8),
        d.reason,
        time(d.purgedAt),
        h("span", {}, ...items),
        String(d.tempFilesDeleted),
        d.providersNotified.join(", ") || "–",
        h("span", { class: d.verified ? "ok" : "bad" }, d.verified ? "verified" : "NOT verified"),
      ],
      d.verified ? "" : "unverified",
    );
  });
  return table(["visit", "reason", "purged", "deleted", "temp files", "providers told", "check"], rows, "deletions");
}
