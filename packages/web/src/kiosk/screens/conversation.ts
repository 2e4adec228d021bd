import { button, h, i18n, show } from "../dom.js";

/** Overlay of the conversation: the double is drawn underneath (the stage canvas); captions, End, time left. */
export class ConversationScreen {
  readonly root: HTMLElement;
  private readonly heard = h("p", { class: "heard" });
  private readonly reply = h("p", { class: "reply" });
  private readonly listening = h("div", { class: "listening" }, h("span", { class: "dot" }), h("span", i18n("conversation.listening")));
  private readonly timeLeft = h("div", { class: "time-fill" });

  constructor(onEnd: () => void) {
    this.root = h(
      "section",
      { class: "screen conversation", "data-screen": "conversation" },
      h("div", { class: "time", "aria-hidden": "true" }, this.timeLeft),
      button("conversation.end", "end-visit", onEnd, "end"),
      h("div", { class: "captions" }, this.listening, this.heard, this.reply),
    );
    this.clear();
  }

  /** Starts the bar that shows how much of the conversation is left. */
  begin(maxMs: number): void {
    this.timeLeft.style.transition = "none";
    this.timeLeft.style.transform = "scaleX(1)";
    void this.timeLeft.offsetWidth; // restart the transition from full
    this.timeLeft.style.transition = `transform ${Math.max(0, maxMs)}ms linear`;
    this.timeLeft.style.transform = "scaleX(0)";
  }

  setListening(on: boolean): void {
    show(this.listening, on);
  }

  transcript(text: string, final: boolean): void {
    this.heard.textContent = text;
    this.heard.classList.toggle("partial", !final);
  }

  replyText(text: string): void {
    this.reply.textContent = text;
  }

  /** Removes every word of the visitor and the double from the page. */
  clear(): void {
    this.heard.textContent = "";
    this.reply.textContent = "";
    this.setListening(false);
    this.timeLeft.style.transition = "none";
    this.timeLeft.style.transform = "scaleX(1)";
  }
}
