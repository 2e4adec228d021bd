import type { ConsentText, Language } from "@mirror/protocol";
import { h, i18n, show } from "./dom.js";
import { applyLanguage, text, type TextKey } from "./i18n.js";
import { ConsentScreen } from "./screens/consent.js";
import { ConversationScreen } from "./screens/conversation.js";
import { FarewellScreen } from "./screens/farewell.js";
import { PhotoScreen } from "./screens/photo.js";
import { SampleScreen } from "./screens/sample.js";
import {
  attractScreen,
  cloneScreen,
  languageToggle,
  messageScreen,
  type ScreenActions,
} from "./screens/simple.js";

export type Screen =
  | "attract"
  | "consent"
  | "declined"
  | "photo"
  | "sample"
  | "clone"
  | "conversation"
  | "farewell"
  | "purged";

export interface ViewActions extends ScreenActions {
  takePhoto(): void;
  recordSample(): void;
  endVisit(): void;
}

/** The kiosk page: one section per screen over the stage canvas where the double is drawn. */
export class KioskView {
  readonly canvas: HTMLCanvasElement;
  readonly photo: PhotoScreen;
  readonly sample: SampleScreen;
  readonly conversation: ConversationScreen;
  /** its text comes from the server (config privacy.consent) */
  readonly consent: ConsentScreen;
  /** the deletion receipt at the end of a visit */
  readonly farewell: FarewellScreen;
  private readonly sections = new Map<Screen, HTMLElement>();
  private readonly toastEl = h("div", { class: "toast", role: "alert" });
  private readonly statusEl = h("div", i18n("status.reconnecting", { class: "connection" }));
  private toastTimer = 0;
  private lang: Language = "en";

  constructor(
    private readonly root: HTMLElement,
    actions: ViewActions,
    size: { width: number; height: number },
  ) {
    this.canvas = h("canvas", { class: "double", width: String(size.width), height: String(size.height) });
    this.canvas.style.aspectRatio = `${size.width} / ${size.height}`;
    this.photo = new PhotoScreen(() => actions.takePhoto());
    this.sample = new SampleScreen(() => actions.recordSample());
    this.conversation = new ConversationScreen(() => actions.endVisit());
    this.farewell = new FarewellScreen();
    this.consent = new ConsentScreen(actions);
    const sections: [Screen, HTMLElement][] = [
      ["attract", attractScreen(actions)],
      ["consent", this.consent.root],
      ["declined", messageScreen("declined", "declined.title", "declined.body")],
      ["photo", this.photo.root],
      ["sample", this.sample.root],
      ["clone", cloneScreen()],
      ["conversation", this.conversation.root],
      ["farewell", messageScreen("farewell", "farewell.title", "farewell.body")],
      ["purged", this.farewell.root],
    ];
    root.replaceChildren(h("div", { class: "stage" }, this.canvas));
    for (const [name, el] of sections) {
      this.sections.set(name, el);
      root.append(el);
    }
    root.append(languageToggle(actions), this.toastEl, this.statusEl);
    this.setLanguage("en");
    this.show("attract");
    this.setConnected(false);
  }

  get language(): Language {
    return this.lang;
  }

  show(screen: Screen): void {
    for (const [name, el] of this.sections) el.classList.toggle("active", name === screen);
    this.root.dataset.screen = screen;
  }

  setLanguage(lang: Language): void {
    this.lang = lang;
    document.documentElement.lang = lang;
    applyLanguage(this.root, lang);
    this.farewell.render(lang);
    this.consent.render(lang);
    for (const b of this.root.querySelectorAll<HTMLElement>("[data-lang]")) {
      b.classList.toggle("selected", b.dataset.lang === lang);
    }
  }

  setConsent(texts: Partial<Record<Language, ConsentText>>): void {
    this.consent.setTexts(texts, this.lang);
  }

  t(key: TextKey): string {
    return text(this.lang, key);
  }

  /** A calm, passing message (errors, retries). */
  toast(message: string, ms = 6000): void {
    this.toastEl.textContent = message;
    this.toastEl.classList.add("visible");
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => this.toastEl.classList.remove("visible"), ms);
  }

  setConnected(connected: boolean): void {
    show(this.statusEl, !connected);
  }
}
