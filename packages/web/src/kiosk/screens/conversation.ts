import { button, h, i18n, show } from "../dom.js";

/** Captions stay small under the face: only the end of a long utterance is shown. */
const CAPTION_CHARS = 140;

function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(-max);
  const space = cut.indexOf(" ");
  return `…${space > 0 && space < 20 ? cut.slice(space) : cut}`;
}

/** Overlay of the conversation: the double is drawn underneath (the stage canvas); captions, End, time left. */
export class ConversationScreen {
  readonly root: HTMLElement;
  private readonly heard = h("p", { class: "heard" });
  private readonly reply = h("p", { class: "reply" });
  private readonly listening = h("div", { class: "listening" }, h("span", { class: "dot" }), h("span", i18n("conversation.listening")));
  private readonly timeLeft = h("div", { class: "time-fill" });
  private replyTurn = -1;
  private replyWords = "";

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
    this.heard.textContent = tail(text, CAPTION_CHARS);
    this.heard.classList.toggle("partial", !final);
  }

  /** The double's words arrive sentence by sentence; a new turn starts a new caption. */
  replyText(turnId: number, sentence: string): void {
    this.replyWords = turnId === this.replyTurn ? `${this.replyWords} ${sentence}` : sentence;
    this.replyTurn = turnId;
    this.reply.textContent = tail(this.replyWords, CAPTION_CHARS);
  }

  /** Removes every word of the visitor and the double from the page. */
  clear(): void {
    this.heard.textContent = "";
    this.reply.textContent = "";
    this.replyTurn = -1;
    this.replyWords = "";
    this.setListening(false);
    this.timeLeft.style.transition = "none";
    this.timeLeft.style.transform = "scaleX(1)";
  }
}
