import { GUIDE } from "../camera.js";
import { button, h, i18n, show } from "../dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The oval guide over the preview, in a 100×125 box (the photo's 4:5), dimming what is outside the face. */
function guideOverlay(): SVGElement {
  const W = 100;
  const H = 125;
  const o = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "guide", "aria-hidden": "true" });
  const mask = svg("mask", { id: "guide-mask" });
  mask.append(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "white" }));
  const oval = { cx: GUIDE.cx * W, cy: GUIDE.cy * H, rx: GUIDE.rx * W, ry: GUIDE.ry * H };
  mask.append(svg("ellipse", { ...oval, fill: "black" }));
  const defs = svg("defs", {});
  defs.append(mask);
  o.append(defs);
  o.append(svg("rect", { x: 0, y: 0, width: W, height: H, fill: "rgba(8,8,10,0.6)", mask: "url(#guide-mask)" }));
  o.append(svg("ellipse", { ...oval, fill: "none", stroke: "#e8c39e", "stroke-width": 0.6 }));
  // small ticks where the eyes and the mouth go
  for (const y of [GUIDE.eyesY, GUIDE.mouthY]) {
    const yy = y * H;
    const half = Math.sqrt(Math.max(0, 1 - ((yy - oval.cy) / oval.ry) ** 2)) * oval.rx;
    for (const x of [oval.cx - half, oval.cx + half]) {
      o.append(svg("line", { x1: x - 2, x2: x + 2, y1: yy, y2: yy, stroke: "#e8c39e", "stroke-width": 0.5 }));
    }
  }
  return o;
}

export class PhotoScreen {
  readonly root: HTMLElement;
  readonly video = h("video", { class: "preview", autoplay: "", muted: "", playsinline: "" });
  readonly still = h("canvas", { class: "still" });
  private readonly take: HTMLButtonElement;
  private readonly status = h("p", { class: "status", role: "status" });

  constructor(onTake: () => void) {
    this.take = button("photo.take", "photo-take", onTake, "primary");
    this.root = h(
      "section",
      { class: "screen photo", "data-screen": "photo" },
      h("h2", i18n("photo.title")),
      h("div", { class: "frame" }, this.video, this.still, guideOverlay()),
      h("p", i18n("photo.hint", { class: "quiet" })),
      this.status,
      h("div", { class: "actions" }, this.take),
    );
    this.live();
  }

  /** Live preview; `message` explains why again. The button waits for the camera's picture (`cameraReady`). */
  live(message = ""): void {
    show(this.video, true);
    show(this.still, false);
    this.take.disabled = true;
    this.status.textContent = message;
  }

  /** The camera shows a picture and no photo is being checked. */
  get canTake(): boolean {
    return !this.take.disabled;
  }

  /** The message under the preview (a re-take reason, or empty). */
  get message(): string {
    return this.status.textContent ?? "";
  }

  cameraReady(): void {
    this.take.disabled = false;
  }

  /** The photo is taken and shown still while the server checks it. */
  checking(message: string): void {
    show(this.video, false);
    show(this.still, true);
    this.take.disabled = true;
    this.status.textContent = message;
  }

  /** Wipes the still photo from the page. */
  clear(): void {
    const ctx = this.still.getContext("2d");
    ctx?.clearRect(0, 0, this.still.width, this.still.height);
    this.still.width = 0;
    this.live();
  }
}
