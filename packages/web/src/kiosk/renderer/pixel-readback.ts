/** A rectangle of canvas pixels (GL origin: bottom-left). */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Pending<T> {
  buffer: WebGLBuffer;
  sync: WebGLSync;
  bytes: number;
  tag: T;
}

/**
 * Reads pixels of the frame just drawn without stalling the render loop: `readPixels` into a pixel-pack buffer
 * behind a fence, collected on a later frame once the GPU has passed the fence. A plain `readPixels` waits for the
 * whole frame to be rasterised (SwiftShader: several ms on a loaded box), which made the measurement itself drop
 * frames. Results come back in the order they were asked for, each with its tag.
 */
export class PixelReadback<T> {
  private readonly pending: Pending<T>[] = [];
  private readonly spare: WebGLBuffer[] = [];

  constructor(
    private readonly gl: WebGL2RenderingContext,
    /** reads in flight at most; beyond that the oldest is waited for */
    private readonly maxInFlight = 8,
  ) {}

  /** Queues a read of `rect` of the current drawing buffer (call right after drawing, in the same task). */
  read(rect: PixelRect, tag: T): void {
    const gl = this.gl;
    const bytes = rect.w * rect.h * 4;
    const buffer = this.spare.pop() ?? gl.createBuffer();
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, bytes, gl.STREAM_READ);
    gl.readPixels(rect.x, rect.y, rect.w, rect.h, gl.RGBA, gl.UNSIGNED_BYTE, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!sync) throw new Error("fenceSync failed");
    gl.flush();
    this.pending.push({ buffer, sync, bytes, tag });
  }

  /** The reads whose pixels are ready, oldest first (with more than `maxInFlight` pending, the oldest are forced). */
  collect(): { tag: T; pixels: Uint8Array }[] {
    const gl = this.gl;
    const done: { tag: T; pixels: Uint8Array }[] = [];
    while (this.pending.length > 0) {
      const p = this.pending[0];
      if (!p) break;
      const ready = gl.getSyncParameter(p.sync, gl.SYNC_STATUS) === gl.SIGNALED;
      if (!ready && this.pending.length <= this.maxInFlight) break;
      this.pending.shift();
      gl.deleteSync(p.sync);
      const pixels = new Uint8Array(p.bytes);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, p.buffer);
      gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, pixels);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      this.spare.push(p.buffer);
      done.push({ tag: p.tag, pixels });
    }
    return done;
  }

  /** Drops the reads in flight and frees the buffers. */
  dispose(): void {
    const gl = this.gl;
    for (const p of this.pending.splice(0)) {
      gl.deleteSync(p.sync);
      gl.deleteBuffer(p.buffer);
    }
    for (const b of this.spare.splice(0)) gl.deleteBuffer(b);
  }
}

/** Share of pixels that differ clearly (summed RGB difference above 60) between two reads of the same rect. */
export function changedShare(pixels: Uint8Array, rest: Uint8Array): number {
  if (rest.length !== pixels.length || pixels.length === 0) return 0;
  let changed = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const d =
      Math.abs((pixels[i] ?? 0) - (rest[i] ?? 0)) + Math.abs((pixels[i + 1] ?? 0) - (rest[i + 1] ?? 0)) + Math.abs((pixels[i + 2] ?? 0) - (rest[i + 2] ?? 0));
    if (d > 60) changed++;
  }
  return changed / (pixels.length / 4);
}
