import type { Screen } from "./view.js";

export interface AutopilotHands {
  screen(): Screen;
  canTakePhoto(): boolean;
  start(): void;
  accept(): void;
  takePhoto(): void;
}

const TICK_MS = 400;
/** attract screen shown this long before the next unattended visit */
const ATTRACT_MS = 3000;
/** a photo attempt again after a failed check */
const RETRY_MS = 1500;

/**
 * `/?autopilot=1`: the kiosk walks itself for exhibition demos and tests. Start, consent accepted, the photo taken as
 * soon as the camera shows a picture (the face checks decide, and a failed one is tried again), the voice sample
 * recorded at once; the visit ends when the script does, and after a pause the next one begins.
 */
export class Autopilot {
  private timer = 0;
  private since = 0;
  private last: Screen | null = null;
  private lastPhotoAt = 0;

  constructor(private readonly hands: AutopilotHands) {}

  start(): void {
    if (this.timer === 0) this.timer = window.setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = 0;
  }

  private tick(): void {
    const now = performance.now();
    const screen = this.hands.screen();
    if (screen !== this.last) {
      this.last = screen;
      this.since = now;
    }
    switch (screen) {
      case "attract":
        if (now - this.since >= ATTRACT_MS) this.hands.start();
        return;
      case "consent":
        return this.hands.accept();
      case "photo":
        if (this.hands.canTakePhoto() && now - this.lastPhotoAt >= RETRY_MS) {
          this.lastPhotoAt = now;
          this.hands.takePhoto();
        }
        return;
      default:
        return; // the sample records itself (autostart); the rest is the server's and the visitor's
    }
  }
}
