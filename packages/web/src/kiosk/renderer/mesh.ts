/** A regular grid over the photo: vertex texture coordinates (0..1, y down) and triangle indices. */
export interface GridMesh {
  uv: Float32Array;
  indices: Uint16Array;
}

export function gridMesh(cols: number, rows: number): GridMesh {
  const vx = cols + 1;
  const vy = rows + 1;
  if (vx * vy > 65_536) throw new Error("grid too fine for 16-bit indices");
  const uv = new Float32Array(vx * vy * 2);
  for (let y = 0; y < vy; y++) {
    for (let x = 0; x < vx; x++) {
      const o = (y * vx + x) * 2;
      uv[o] = x / cols;
      uv[o + 1] = y / rows;
    }
  }
  const indices = new Uint16Array(cols * rows * 6);
  let k = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const a = y * vx + x;
      const b = a + 1;
      const c = a + vx;
      const d = c + 1;
      indices.set([a, c, b, b, c, d], k);
      k += 6;
    }
  }
  return { uv, indices };
}
