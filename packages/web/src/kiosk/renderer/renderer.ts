import type { FaceLayout } from "@mirror/protocol";
import { gridMesh } from "./mesh.js";
import { FRAGMENT_SHADER, VERTEX_SHADER } from "./shaders.js";

const GRID_COLS = 64;
const GRID_ROWS = 80;
const UNIFORMS = ["u_w", "u_mouth", "u_halfW", "u_eyeL", "u_eyeR", "u_aspect", "u_scale", "u_tex"] as const;
type Uniforms = Record<(typeof UNIFORMS)[number], WebGLUniformLocation | null>;

/** Draws the visitor's photo as a grid mesh deformed by ARKit-52 weights (WebGL2). */
export class FaceRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly vao: WebGLVertexArrayObject;
  private readonly indexCount: number;
  private readonly u: Uniforms;
  private texture: WebGLTexture | null = null;
  private imageAspect = 1.25;

  constructor(readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext("webgl2", { antialias: false, alpha: false, preserveDrawingBuffer: false });
    if (!gl) throw new Error("WebGL2 is not available");
    this.gl = gl;
    this.program = link(gl, VERTEX_SHADER, FRAGMENT_SHADER);
    this.u = Object.fromEntries(UNIFORMS.map((n) => [n, gl.getUniformLocation(this.program, n)])) as Uniforms;

    const mesh = gridMesh(GRID_COLS, GRID_ROWS);
    this.indexCount = mesh.indices.length;
    const vao = gl.createVertexArray();
    if (!vao) throw new Error("createVertexArray failed");
    this.vao = vao;
    gl.bindVertexArray(vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, mesh.uv, gl.STATIC_DRAW);
    const loc = gl.getAttribLocation(this.program, "a_uv");
    gl.enableVertexAttribArray(loc);
    gl.vertexAttribPointer(loc, 2, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, mesh.indices, gl.STATIC_DRAW);
    gl.bindVertexArray(null);
  }

  setPhoto(image: ImageBitmap, face: FaceLayout): void {
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
    this.imageAspect = image.height / image.width;

    const a = this.imageAspect;
    gl.useProgram(this.program);
    gl.uniform2f(this.u.u_mouth, face.mouth.x, face.mouth.y * a);
    gl.uniform1f(this.u.u_halfW, face.mouthWidth / 2);
    gl.uniform2f(this.u.u_eyeL, face.eyes.left, face.eyes.y * a);
    gl.uniform2f(this.u.u_eyeR, face.eyes.right, face.eyes.y * a);
    gl.uniform1f(this.u.u_aspect, a);
    gl.uniform1i(this.u.u_tex, 0);
  }

  /** Forgets the visitor's face: the texture is deleted and the canvas cleared. */
  clearPhoto(): void {
    if (this.texture) this.gl.deleteTexture(this.texture);
    this.texture = null;
    this.clear();
  }

  draw(weights: Float32Array): void {
    const gl = this.gl;
    if (!this.texture) return;
    const { width, height } = this.canvas;
    gl.viewport(0, 0, width, height);
    gl.clearColor(0.04, 0.04, 0.05, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.useProgram(this.program);
    // contain the photo in the canvas whatever their aspects
    const canvasAspect = height / width;
    const sx = canvasAspect > this.imageAspect ? 1 : canvasAspect / this.imageAspect;
    const sy = canvasAspect > this.imageAspect ? this.imageAspect / canvasAspect : 1;
    gl.uniform2f(this.u.u_scale, sx, sy);
    gl.uniform1fv(this.u.u_w, weights);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.bindVertexArray(this.vao);
    gl.drawElements(gl.TRIANGLES, this.indexCount, gl.UNSIGNED_SHORT, 0);
    gl.bindVertexArray(null);
  }

  private clear(): void {
    const gl = this.gl;
    gl.clearColor(0.04, 0.04, 0.05, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
  }
}

function link(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, vs));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fs));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    throw new Error(`shader link failed: ${gl.getProgramInfoLog(program) ?? ""}`);
  }
  return program;
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
