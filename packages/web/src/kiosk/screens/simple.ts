import type { Language } from "@mirror/protocol";
import { button, h, i18n } from "../dom.js";

/** The screens that only show text and buttons. */

export interface ScreenActions {
  start(): void;
  accept(): void;
  decline(): void;
  setLanguage(lang: Language): void;
}

/** One toggle for the whole page; CSS shows it on the attract and consent screens only. */
export function languageToggle(actions: ScreenActions): HTMLElement {
  const opt = (lang: Language, label: string): HTMLButtonElement => {
    const b = h("button", { type: "button", class: "lang", "data-lang": lang, "data-testid": `lang-${lang}` }, label);
    b.addEventListener("click", () => actions.setLanguage(lang));
    return b;
  };
  return h("div", { class: "lang-toggle" }, opt("en", "English"), opt("nl", "Nederlands"));
}

export function attractScreen(actions: ScreenActions): HTMLElement {
  return h(
    "section",
    { class: "screen attract", "data-screen": "attract" },
    h("h1", i18n("attract.title", { class: "title" })),
    h("p", i18n("attract.subtitle", { class: "subtitle" })),
    button("attract.start", "start", () => actions.start(), "primary big"),
  );
}

export function messageScreen(
  name: string,
  title: Parameters<typeof i18n>[0],
  body: Parameters<typeof i18n>[0],
  extra?: HTMLElement,
): HTMLElement {
  return h(
    "section",
    { class: `screen message ${name}`, "data-screen": name },
    h("h2", i18n(title)),
    h("p", i18n(body, { class: "quiet" })),
    extra,
  );
}

export function cloneScreen(): HTMLElement {
  return messageScreen("clone", "clone.title", "clone.body", h("div", { class: "pulse", "aria-hidden": "true" }));
}
