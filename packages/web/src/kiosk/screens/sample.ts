import { button, h, i18n, show } from "../dom.js";

export type SampleState = "ready" | "recording" | "checking" | "retry";

/** Sentence to read aloud, a live level meter, record / try again. */
export class SampleScreen {
  readonly root: HTMLElement;
  private readonly record: HTMLButtonElement;
  private readonly retake: HTMLButtonElement;
  private readonly meter = h("div", { class: "meter-fill" });
  private readonly progress = h("div", { class: "progress-fill" });
  private readonly status = h("p", { class: "status", role: "status" });
  private readonly text = h("blockquote", { class: "sentence" });

  constructor(onRecord: () => void) {
    this.record = button("sample.record", "sample-record", onRecord, "primary");
    this.retake = button("sample.retake", "sample-retake", onRecord, "primary");
    this.root = h(
      "section",
      { class: "screen sample", "data-screen": "sample" },
      h("h2", i18n("sample.title")),
      h("p", i18n("sample.hint", { class: "quiet" })),
      this.text,
      h("div", { class: "meter", "aria-hidden": "true" }, this.meter),
      h("div", { class: "progress", "aria-hidden": "true" }, this.progress),
      this.status,
      h("div", { class: "actions" }, this.record, this.retake),
    );
    this.set("ready");
  }

  /** The sentence to read (from the server, which needs to know what was said). */
  sentence(text: string): void {
    this.text.textContent = text;
  }

  set(state: SampleState, message = ""): void {
    show(this.record, state === "ready");
    show(this.retake, state === "retry");
    this.root.dataset.state = state;
    this.status.textContent = message;
    if (state !== "recording") this.level(-120, 0, false);
  }

  /** Level in dBFS (shown from -60 to 0), recording progress 0..1. */
  level(rmsDbfs: number, progress: number, speaking: boolean): void {
    const x = Math.max(0, Math.min(1, (rmsDbfs + 60) / 60));
    this.meter.style.transform = `scaleX(${x.toFixed(3)})`;
    this.meter.classList.toggle("speaking", speaking);
    this.progress.style.transform = `scaleX(${Math.max(0, Math.min(1, progress)).toFixed(3)})`;
  }
}
