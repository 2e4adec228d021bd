import type { ConsentText, Language } from "@mirror/protocol";
import { button, h } from "../dom.js";
import type { ScreenActions } from "./simple.js";

/**
 * The consent screen. Its words come from the server's config (privacy.consent), so an operator can change them
 * and a retention opt-in is always announced (`kept`); the kiosk itself holds only the two buttons' labels.
 */
export class ConsentScreen {
  readonly root: HTMLElement;
  private texts: Partial<Record<Language, ConsentText>> = {};
  private readonly line = (key: keyof ConsentText, tag: "h2" | "p" | "li", cls = "") => h(tag, { "data-consent": key, ...(cls ? { class: cls } : {}) });
  private readonly lines = {
    title: this.line("title", "h2"),
    intro: this.line("intro", "p"),
    photo: this.line("photo", "li"),
    voice: this.line("voice", "li"),
    talk: this.line("talk", "li"),
    use: this.line("use", "p", "quiet"),
    delete: this.line("delete", "p", "emphasis"),
    kept: this.line("kept", "p", "emphasis kept"),
  } satisfies Record<keyof ConsentText, HTMLElement>;

  constructor(actions: ScreenActions) {
    const l = this.lines;
    this.root = h(
      "section",
      { class: "screen consent", "data-screen": "consent" },
      l.title,
      l.intro,
      h("ul", {}, l.photo, l.voice, l.talk),
      l.use,
      l.delete,
      l.kept,
      h(
        "div",
        { class: "actions" },
        button("consent.decline", "consent-decline", () => actions.decline()),
        button("consent.accept", "consent-accept", () => actions.accept(), "primary"),
      ),
    );
  }

  setTexts(texts: Partial<Record<Language, ConsentText>>, lang: Language): void {
    this.texts = texts;
    this.render(lang);
  }

  render(lang: Language): void {
    const t = this.texts[lang];
    for (const [key, el] of Object.entries(this.lines) as [keyof ConsentText, HTMLElement][]) {
      el.textContent = t?.[key] ?? "";
      el.hidden = !t?.[key];
    }
  }
}
