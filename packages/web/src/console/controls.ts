import type { ConsoleControl } from "@mirror/protocol";
import { h } from "../shared/dom.js";
import type { ConsoleModel } from "./model.js";
import { formatBytes } from "./stats.js";

/** Sends one operator control; the console cookie authorizes it (same origin, never readable by scripts). */
export async function sendControl(control: ConsoleControl): Promise<string> {
  try {
    const res = await fetch("/api/console/control", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(control),
      credentials: "same-origin",
    });
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    return body.message ?? `HTTP ${res.status}`;
  } catch {
    return "the server did not answer";
  }
}

function button(label: string, testId: string, onClick: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", "data-testid": testId }, label);
  b.addEventListener("click", onClick);
  return b;
}

/** Pause / resume the installation, and the machine's CPU, memory and event-loop lag. */
export function renderInstallation(model: ConsoleModel, act: (c: ConsoleControl) => void): HTMLElement {
  const sys = model.system;
  if (!sys) return h("div", { class: "system" }, "waiting for the server…");
  const s = sys.stats;
  const fact = (label: string, value: string) => h("span", { class: "fact" }, h("b", {}, label), value);
  return h(
    "div",
    { class: "system" },
    sys.paused
      ? button("Resume the installation", "resume", () => act({ action: "resume" }))
      : button("Pause the installation", "pause", () => act({ action: "pause" })),
    h("span", { class: sys.paused ? "bad" : "ok" }, sys.paused ? "paused: no new visit starts" : "open for visitors"),
    fact("visits", String(sys.openVisits)),
    fact("CPU", `${Math.round(s.cpuPercent)} % (load ${s.loadAverage1m} on ${s.cores} cores)`),
    fact("memory", `${formatBytes(s.rssBytes)} RSS, heap ${formatBytes(s.heapUsedBytes)}`),
    fact("event loop", `p99 ${s.eventLoopLagP99Ms} ms, max ${s.eventLoopLagMaxMs} ms`),
    fact("files open", s.openFds === null ? "–" : String(s.openFds)),
  );
}

/** End or move on each open visit (by id: the console never sees who the visitor is). */
export function renderVisitControls(model: ConsoleModel, act: (c: ConsoleControl) => void): HTMLElement {
  const rows = model.openVisits().map((v) =>
    h(
      "div",
      { class: "visit-controls", "data-visit": v.visitId },
      h("span", {}, `${v.visitId.slice(0, 8)} · ${v.phase}`),
      button("Skip phase", "skip-phase", () => act({ action: "skip-phase", visitId: v.visitId })),
      button("End visit", "end-visit", () => act({ action: "end-visit", visitId: v.visitId })),
    ),
  );
  return h("div", {}, ...(rows.length ? rows : [h("span", { class: "quiet" }, "no visit under way")]));
}
