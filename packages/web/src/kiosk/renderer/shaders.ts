/**
 * GLSL of the double. Positions are in face space (x right, y down, in units of the photo's width; y spans
 * 0..aspect) and posed on the CPU by the rig; the shaders only project them and paint.
 */

const PROJECT = `
uniform vec2 u_scale;   // contain the photo in the canvas
uniform float u_aspect; // photo height / width
vec4 project(vec2 p) {
  vec2 img = vec2(p.x, p.y / u_aspect);
  return vec4((img.x * 2.0 - 1.0) * u_scale.x, (1.0 - img.y * 2.0) * u_scale.y, 0.0, 1.0);
}
`;

/** The photo-textured face mesh (and the rings out to the border). */
export const FACE_VERTEX = `#version 300 es
precision highp float;
in vec2 a_pos;
in vec2 a_uv;
out vec2 v_uv;
${PROJECT}
void main() {
  v_uv = a_uv;
  gl_Position = project(a_pos);
}
`;

export const FACE_FRAGMENT = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_tex;
out vec4 outColor;
void main() { outColor = vec4(texture(u_tex, v_uv).rgb, 1.0); }
`;

/**
 * The mouth interior, drawn first on a quad around the mouth; the face mesh drawn over it leaves only the gap
 * between the lips uncovered. Dark cavity, upper teeth under the upper lip, tongue and lower teeth riding on the
 * lower lip. Closed, it shows the photo itself, so a resting mouth looks exactly like the photo.
 */
export const MOUTH_VERTEX = `#version 300 es
precision highp float;
in vec2 a_corner;          // -1..1
uniform vec4 u_box;        // centre x, y, half width, half height (face space)
out vec2 v_p;
${PROJECT}
void main() {
  v_p = u_box.xy + a_corner * u_box.zw;
  gl_Position = project(v_p);
}
`;

export const MOUTH_FRAGMENT = `#version 300 es
precision highp float;
in vec2 v_p;
uniform sampler2D u_tex;
uniform float u_aspect;
uniform vec4 u_mouth;      // centre x, upper lip y, lower lip y, half width (face space)
uniform float u_open;      // 0..1
out vec4 outColor;
void main() {
  float hw = u_mouth.w;
  float x = (v_p.x - u_mouth.x) / hw;
  float upperY = u_mouth.y;
  float lowerY = max(u_mouth.z, upperY + 1e-4);
  float depth = 1.0 - clamp(abs(x), 0.0, 1.0);
  vec3 col = mix(vec3(0.16, 0.05, 0.06), vec3(0.035, 0.01, 0.015), depth);

  // tongue: a soft mound resting behind the lower teeth
  vec2 tq = vec2(x / 0.7, (v_p.y - (lowerY - 0.05 * hw)) / (0.32 * hw));
  float tongue = 1.0 - smoothstep(0.7, 1.0, dot(tq, tq));
  col = mix(col, vec3(0.55, 0.22, 0.24) * (0.75 + 0.25 * depth), tongue);

  float toothH = 0.17 * hw;
  float gaps = smoothstep(0.0, 0.08, abs(fract(x * 3.2 + 0.5) - 0.5));
  vec3 enamel = vec3(0.88, 0.86, 0.8) * (0.55 + 0.45 * depth) * (0.8 + 0.2 * gaps);
  float upperTeeth = step(v_p.y, upperY + toothH) * (1.0 - smoothstep(0.62, 0.8, abs(x)));
  col = mix(col, enamel, upperTeeth);
  float lowerTeeth = step(lowerY - 0.6 * toothH, v_p.y) * (1.0 - smoothstep(0.45, 0.62, abs(x)));
  col = mix(col, enamel * 0.85, lowerTeeth);

  vec3 photo = texture(u_tex, vec2(v_p.x, v_p.y / u_aspect)).rgb;
  outColor = vec4(mix(photo, col, smoothstep(0.0, 0.06, u_open)), 1.0);
}
`;
