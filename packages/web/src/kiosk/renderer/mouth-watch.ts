import type { RenderedFrame } from "./animator.js";
import { changedShare, type PixelReadback } from "./pixel-readback.js";
import type { FaceRenderer } from "./renderer.js";

/** A drawn frame and the share of its mouth pixels unlike the neutral face's. */
export interface WatchedFrame {
  frame: RenderedFrame;
  changed: number;
}

/**
 * Lip motion on the rendered pixels (measurement mode): each drawn frame's mouth region is read back without
 * stalling and compared with the last neutral frame (one drawn while nothing plays). Results arrive a frame or
 * two after the draw, in order, with the frame they belong to.
 */
export class MouthWatch {
  private rest: Uint8Array | null = null;
  private readonly readback: PixelReadback<RenderedFrame>;

  constructor(private readonly renderer: FaceRenderer) {
    this.readback = renderer.createReadback<RenderedFrame>();
  }

  /** Call right after `f` was drawn: queues its read and returns the earlier frames whose pixels are back. */
  frame(f: RenderedFrame): WatchedFrame[] {
    const out: WatchedFrame[] = [];
    for (const r of this.readback.collect()) {
      if (!r.tag.position) this.rest = r.pixels;
      out.push({ frame: r.tag, changed: r.tag.position && this.rest ? changedShare(r.pixels, this.rest) : 0 });
    }
    const rect = this.renderer.mouthRect();
    if (rect) this.readback.read(rect, f);
    return out;
  }

  /** Forgets the neutral face (a new visitor's photo). */
  reset(): void {
    this.rest = null;
  }
}
