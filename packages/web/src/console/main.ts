import { ConsoleEvent, type ConsoleControl } from "@mirror/protocol";
import { h } from "../shared/dom.js";
import { renderInstallation, renderVisitControls, sendControl } from "./controls.js";
import { ConsoleModel } from "./model.js";
import { renderBooths, renderPools } from "./pools-view.js";
import { renderDeletions, renderHealth, renderTurns, renderVisits } from "./view.js";

/** Operator console: a live view of `/api/console/events` (Server-Sent Events, one ConsoleEvent per message). */

const model = new ConsoleModel();
const status = h("span", { class: "conn" }, "connecting…");
const health = h("div");
const visits = h("div");
const turns = h("div");
const deletions = h("div");
const pools = h("div");
const installation = h("div");
const controls = h("div");
const notice = h("span", { class: "notice", "data-testid": "notice" });
const booths = h("div");

const root = document.getElementById("console");
if (!root) throw new Error("console page without #console");
root.replaceChildren(
  h("header", {}, h("h1", {}, "Mirror · operator console"), status, health),
  h("section", {}, h("h2", {}, "Installation"), installation, notice),
  h("section", {}, h("h2", {}, "Now"), controls),
  h("section", {}, h("h2", {}, "Booths"), booths),
  h("section", {}, h("h2", {}, "Visits"), visits),
  h("section", {}, h("h2", {}, "Turns (ms)"), h("div", { class: "scroll" }, turns)),
  h("section", {}, h("h2", {}, "Deletion records"), h("div", { class: "scroll" }, deletions)),
  h("section", {}, h("h2", {}, "GPU endpoints"), pools),
);

let queued = false;
function render(): void {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    health.replaceChildren(renderHealth(model));
    installation.replaceChildren(renderInstallation(model, act));
    controls.replaceChildren(renderVisitControls(model, act));
    visits.replaceChildren(renderVisits(model));
    turns.replaceChildren(renderTurns(model));
    deletions.replaceChildren(renderDeletions(model));
    pools.replaceChildren(renderPools(model.pools));
    booths.replaceChildren(renderBooths(model.booths));
  });
}

function act(c: ConsoleControl): void {
  notice.textContent = "…";
  void sendControl(c).then((message) => {
    notice.textContent = message;
  });
}

const source = new EventSource("/api/console/events");
source.onopen = () => {
  status.textContent = "live";
  status.className = "conn ok";
};
source.onerror = () => {
  status.textContent = "reconnecting…";
  status.className = "conn bad";
};
source.onmessage = (e: MessageEvent<string>) => {
  let raw: unknown;
  try {
    raw = JSON.parse(e.data);
  } catch {
    return;
  }
  const parsed = ConsoleEvent.safeParse(raw);
  if (!parsed.success) return;
  model.apply(parsed.data);
  render();
};
render();
