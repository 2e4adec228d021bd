import type { FaceModel } from "./face-model.js";
import { PixelReadback, type PixelRect } from "./pixel-readback.js";
import { FaceRig, type HeadPose, type MouthState } from "./rig.js";
import { FACE_FRAGMENT, FACE_VERTEX, MOUTH_FRAGMENT, MOUTH_VERTEX } from "./shaders.js";

interface Program {
  program: WebGLProgram;
  u: Record<string, WebGLUniformLocation | null>;
}

interface FaceBuffers {
  vao: WebGLVertexArrayObject;
  pos: WebGLBuffer;
  buffers: WebGLBuffer[];
  count: number;
}

/**
 * Draws the double (WebGL2): the visitor's photo as one mesh posed by the rig each frame, over a procedural mouth
 * interior. The mesh covers the whole photo, so the picture deforms without seams.
 */
export class FaceRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly face: Program;
  private readonly mouth: Program;
  private readonly quad: WebGLVertexArrayObject;
  private texture: WebGLTexture | null = null;
  private mesh: FaceBuffers | null = null;
  private rig: FaceRig | null = null;
  private posed = new Float32Array(0);
  private aspect = 1.25;
  /** the mouth of the last frame drawn (null: no face) */
  lastMouth: MouthState | null = null;
  /** main-thread milliseconds spent in the last draw (posing + GL calls) */
  lastDrawMs = 0;

  /** @param background the colour around the photo (tests use one no photo has, to find gaps in the mesh) */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly background: readonly [number, number, number] = [0.04, 0.04, 0.05],
  ) {
    const gl = canvas.getContext("webgl2", { antialias: false, alpha: false, preserveDrawingBuffer: false, depth: false });
    if (!gl) throw new Error("WebGL2 is not available");
    this.gl = gl;
    this.face = link(gl, FACE_VERTEX, FACE_FRAGMENT, ["u_scale", "u_aspect", "u_tex"]);
    this.mouth = link(gl, MOUTH_VERTEX, MOUTH_FRAGMENT, ["u_scale", "u_aspect", "u_tex", "u_box", "u_mouth", "u_open"]);
    const quad = gl.createVertexArray();
    if (!quad) throw new Error("createVertexArray failed");
    this.quad = quad;
    gl.bindVertexArray(quad);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, Float32Array.of(-1, -1, 1, -1, -1, 1, 1, 1), gl.STATIC_DRAW);
    const loc = gl.getAttribLocation(this.mouth.program, "a_corner");
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
  }

  get hasFace(): boolean {
    return this.rig !== null;
  }

  /** Takes the visitor's photo and its face model (built from the photo's landmarks). */
  setFace(image: ImageBitmap, model: FaceModel): void {
    const gl = this.gl;
    this.clearPhoto();
    this.texture = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, image);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    this.aspect = model.aspect;
    this.rig = new FaceRig(model);
    this.posed = new Float32Array(model.vertexCount * 2);
    this.mesh = this.upload(model);
  }

  /** Forgets the visitor's face: texture, mesh and rig are deleted and the canvas cleared. */
  clearPhoto(): void {
    const gl = this.gl;
    if (this.texture) gl.deleteTexture(this.texture);
    this.texture = null;
    if (this.mesh) {
      for (const b of this.mesh.buffers) gl.deleteBuffer(b);
      gl.deleteVertexArray(this.mesh.vao);
    }
    this.mesh = null;
    this.rig = null;
    this.posed = new Float32Array(0);
    this.lastMouth = null;
    gl.clearColor(...this.background, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
  }

  /** Poses the face with ARKit-52 weights and the head pose, and draws it. */
  draw(weights: Float32Array, head: HeadPose): void {
    const t0 = performance.now();
    const gl = this.gl;
    const { mesh, rig, texture } = this;
    if (!mesh || !rig || !texture) return;
    const m = rig.pose(weights, head, this.posed);
    this.lastMouth = m;
    const { width, height } = this.canvas;
    gl.viewport(0, 0, width, height);
    gl.clearColor(...this.background, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    const canvasAspect = height / width;
    const sx = canvasAspect > this.aspect ? 1 : canvasAspect / this.aspect;
    const sy = canvasAspect > this.aspect ? this.aspect / canvasAspect : 1;
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, texture);

    // the interior first, only where the lips may part; the face covers the rest
    gl.useProgram(this.mouth.program);
    const u = this.mouth.u;
    gl.uniform2f(u.u_scale ?? null, sx, sy);
    gl.uniform1f(u.u_aspect ?? null, this.aspect);
    gl.uniform1i(u.u_tex ?? null, 0);
    const gap = Math.max(0, m.lowerY - m.upperY);
    gl.uniform4f(u.u_box ?? null, m.cx, (m.upperY + m.lowerY) / 2, m.halfWidth * 1.4 + 0.005, gap / 2 + 0.5 * m.halfWidth);
    gl.uniform4f(u.u_mouth ?? null, m.cx, m.upperY, m.lowerY, Math.max(1e-3, m.halfWidth));
    gl.uniform1f(u.u_open ?? null, m.open);
    gl.bindVertexArray(this.quad);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);

    gl.useProgram(this.face.program);
    const f = this.face.u;
    gl.uniform2f(f.u_scale ?? null, sx, sy);
    gl.uniform1f(f.u_aspect ?? null, this.aspect);
    gl.uniform1i(f.u_tex ?? null, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, mesh.pos);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, this.posed);
    gl.bindVertexArray(mesh.vao);
    gl.drawElements(gl.TRIANGLES, mesh.count, gl.UNSIGNED_SHORT, 0);
    gl.bindVertexArray(null);
    this.lastDrawMs = performance.now() - t0;
  }

  /** The mouth's rest box in canvas pixels (GL origin bottom-left); null without a face. */
  mouthRect(): PixelRect | null {
    if (!this.rig) return null;
    const { width, height } = this.canvas;
    const canvasAspect = height / width;
    const sx = canvasAspect > this.aspect ? 1 : canvasAspect / this.aspect;
    const sy = canvasAspect > this.aspect ? this.aspect / canvasAspect : 1;
    const box = this.rig.mouthBox;
    const toPx = (x: number, y: number): [number, number] => [
      ((x * 2 - 1) * sx * 0.5 + 0.5) * width,
      ((1 - (y / this.aspect) * 2) * sy * 0.5 + 0.5) * height,
    ];
    const [x0, y1] = toPx(box.x0, box.y0);
    const [x1, y0] = toPx(box.x1, box.y1);
    const x = Math.max(0, Math.floor(x0));
    const y = Math.max(0, Math.floor(y0));
    return { x, y, w: Math.max(1, Math.min(width - x, Math.ceil(x1 - x0))), h: Math.max(1, Math.min(height - y, Math.ceil(y1 - y0))) };
  }

  /** A reader of this canvas's pixels that does not stall the render loop (measurement mode). */
  createReadback<T>(): PixelReadback<T> {
    return new PixelReadback<T>(this.gl);
  }

  private upload(model: FaceModel): FaceBuffers {
    const gl = this.gl;
    const vao = gl.createVertexArray();
    if (!vao) throw new Error("createVertexArray failed");
    gl.bindVertexArray(vao);
    const attr = (name: string, data: Float32Array, usage: number): WebGLBuffer => {
      const b = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.bufferData(gl.ARRAY_BUFFER, data, usage);
      const loc = gl.getAttribLocation(this.face.program, name);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
      return b;
    };
    const pos = attr("a_pos", new Float32Array(model.vertexCount * 2), gl.DYNAMIC_DRAW);
    const uv = attr("a_uv", model.uv, gl.STATIC_DRAW);
    const idx = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, idx);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, model.indices, gl.STATIC_DRAW);
    gl.bindVertexArray(null);
    return { vao, pos, buffers: [pos, uv, idx], count: model.indices.length };
  }
}

function link(gl: WebGL2RenderingContext, vs: string, fs: string, uniforms: string[]): Program {
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, vs));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    throw new Error(`shader link failed: ${gl.getProgramInfoLog(program) ?? ""}`);
  }
  return { program, u: Object.fromEntries(uniforms.map((n) => [n, gl.getUniformLocation(program, n)])) };
}

function compile(gl: WebGL2RenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type);
  if (!s) throw new Error("createShader failed");
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) {
    throw new Error(`shader compile failed: ${gl.getShaderInfoLog(s) ?? ""}`);
  }
  return s;
}
