import type { BoothDisplay } from "@mirror/protocol";

/**
 * Lays the kiosk out for its booth's screen: `data-orientation` on the root, and the double's canvas size as CSS
 * variables (kiosk.css reads them). Without a display the kiosk keeps its default (fill the screen).
 */
export function applyBoothDisplay(root: HTMLElement, display: BoothDisplay | undefined): void {
  if (!display) {
    delete root.dataset.orientation;
    root.style.removeProperty("--double-width");
    root.style.removeProperty("--double-height");
    return;
  }
  root.dataset.orientation = display.orientation;
  if (display.width) root.style.setProperty("--double-width", `${display.width}px`);
  else root.style.removeProperty("--double-width");
  if (display.height) root.style.setProperty("--double-height", `${display.height}px`);
  else root.style.removeProperty("--double-height");
}
