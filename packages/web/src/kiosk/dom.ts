import { h } from "../shared/dom.js";
import type { TextKey } from "./i18n.js";

export { h, show } from "../shared/dom.js";

/** Attributes of an element whose text is the translated `key` (see applyLanguage). */
export function i18n(key: TextKey, attrs: Record<string, string> = {}): Record<string, string> {
  return { ...attrs, "data-i18n": key };
}

export function button(key: TextKey, testId: string, onClick: () => void, cls = ""): HTMLButtonElement {
  const b = h("button", i18n(key, { type: "button", "data-testid": testId, class: `btn ${cls}`.trim() }));
  b.addEventListener("click", onClick);
  return b;
}
