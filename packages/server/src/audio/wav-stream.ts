/**
 * Decodes a PCM16 / float32 mono-or-multichannel WAV while it downloads: after the header, every
 * push returns the whole frames received so far (channels averaged), so playback can start on the
 * first kilobytes instead of the whole file.
 */
export class WavStreamDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private format: { sampleRate: number; channels: number; bits: number; float: boolean } | null = null;
  private inData = false;
  private dataLeft = Infinity;

  get sampleRate(): number | null {
    return this.format?.sampleRate ?? null;
  }

  push(chunk: Uint8Array): Float32Array {
    this.buf = this.buf.length ? concat(this.buf, chunk) : chunk.slice();
    if (!this.inData && !this.parseHeader()) return new Float32Array(0);
    const f = this.format;
    if (!f) return new Float32Array(0);
    const frameBytes = (f.bits / 8) * f.channels;
    const usable = Math.min(this.buf.length, this.dataLeft);
    const frames = Math.floor(usable / frameBytes);
    const out = new Float32Array(frames);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, frames * frameBytes);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < f.channels; c++) {
        const o = (i * f.channels + c) * (f.bits / 8);
        sum += f.float ? view.getFloat32(o, true) : view.getInt16(o, true) / 32768;
      }
      out[i] = sum / f.channels;
    }
    this.dataLeft -= frames * frameBytes;
    this.buf = this.buf.slice(frames * frameBytes);
    return out;
  }

  /** Walks the chunks up to `data`; false while the header is incomplete. */
  private parseHeader(): boolean {
    const b = this.buf;
    if (b.length < 12) return false;
    const tag = (o: number) => String.fromCharCode(b[o] ?? 0, b[o + 1] ?? 0, b[o + 2] ?? 0, b[o + 3] ?? 0);
    if (tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a WAV stream");
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let off = 12;
    while (off + 8 <= b.length) {
      const id = tag(off);
      const size = view.getUint32(off + 4, true);
      if (id === "data") {
        if (!this.format) throw new Error("WAV data before format");
        this.inData = true;
        this.dataLeft = size === 0 || size === 0xffffffff ? Infinity : size;
        this.buf = b.slice(off + 8);
        return true;
      }
      if (off + 8 + size > b.length) return false;
      if (id === "fmt ") {
        let fmt = view.getUint16(off + 8, true);
        if (fmt === 0xfffe && size >= 26) fmt = view.getUint16(off + 8 + 24, true);
        const bits = view.getUint16(off + 8 + 14, true);
        if (!((fmt === 1 && bits === 16) || (fmt === 3 && bits === 32))) throw new Error(`unsupported WAV stream format ${fmt}/${bits}`);
        this.format = { channels: view.getUint16(off + 10, true), sampleRate: view.getUint32(off + 12, true), bits, float: fmt === 3 };
      }
      off += 8 + size + (size & 1);
    }
    return false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
