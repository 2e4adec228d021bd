import { ARKIT_52 } from "@mirror/protocol";

/**
 * GLSL of the double. Geometry is in "face space": image coordinates (x right, y down) with y scaled by the
 * image aspect so distances are isotropic, in units of the image width. "Left" shapes act on the image's left
 * side: the photo is taken mirrored, so that is the visitor's own left as they see themselves.
 */

const WEIGHT_DEFINES = ARKIT_52.map((name, i) => `#define ${name} u_w[${i}]`).join("\n");

const COMMON = `
uniform float u_w[52];
uniform vec2 u_mouth;   // face space
uniform float u_halfW;  // half mouth width, face space
uniform vec2 u_eyeL;
uniform vec2 u_eyeR;
uniform float u_aspect; // image height / width
${WEIGHT_DEFINES}

float bump(vec2 d, vec2 r) { vec2 q = d / r; return exp(-dot(q, q)); }
// like bump, but exactly 0 from distance r on, so the face outline beside the mouth stays put
float bell(vec2 d, vec2 r) { float q = min(1.0, dot(d / r, d / r)); return (1.0 - q) * (1.0 - q); }
float lipsApart() { return clamp(jawOpen - mouthClose + 0.3 * mouthFunnel, 0.0, 1.0); }
`;

export const VERTEX_SHADER = `#version 300 es
precision highp float;
in vec2 a_uv;
uniform vec2 u_scale;
out vec2 v_uv;
${COMMON}

vec2 mouthDisplacement(vec2 p) {
  vec2 d = p - u_mouth;
  float hw = u_halfW;
  vec2 disp = vec2(0.0);
  float sideL = 1.0 - smoothstep(-0.3 * hw, 0.3 * hw, d.x);
  float sideR = 1.0 - sideL;

  // Lower jaw: everything under the lip line, as wide as the jaw, fading out below the chin.
  float below = smoothstep(-0.012, 0.03, d.y);
  float jawSide = 1.0 - smoothstep(1.1 * hw, 2.3 * hw, abs(d.x));
  float chinFade = 1.0 - smoothstep(0.2, 0.34, d.y);
  float lowerLip = bump(vec2(d.x, d.y - 0.025), vec2(1.3 * hw, 0.05));
  float lowerDown = sideL * mouthLowerDownLeft + sideR * mouthLowerDownRight;
  float lowerMove = 0.075 * mix(jawOpen, lipsApart(), lowerLip) + 0.02 * lowerDown * lowerLip;
  disp.y += below * jawSide * chinFade * lowerMove;
  disp.x += below * jawSide * chinFade * 0.03 * (jawRight - jawLeft);

  // Upper lip lifts a little.
  float upperLip = (1.0 - below) * bump(vec2(d.x, d.y + 0.015), vec2(1.2 * hw, 0.035));
  float upperUp = sideL * mouthUpperUpLeft + sideR * mouthUpperUpRight;
  disp.y -= upperLip * (0.016 * upperUp + 0.006 * jawOpen);

  // Pucker / funnel pull the mouth towards its centre; mouthLeft/Right shift it.
  float mouth = bell(d, vec2(1.6 * hw, 0.1));
  disp.x -= d.x * mouth * (0.35 * mouthPucker + 0.25 * mouthFunnel);
  disp.x += mouth * 0.03 * (mouthRight - mouthLeft);

  // Corners: smile widens and lifts, stretch widens, frown lowers, dimple pulls back.
  vec2 r = vec2(0.7 * hw, 0.06);
  float cL = bump(d + vec2(hw, 0.0), r);
  float cR = bump(d - vec2(hw, 0.0), r);
  disp += cL * (vec2(-0.022, -0.018) * mouthSmileLeft + vec2(-0.028, 0.004) * mouthStretchLeft
              + vec2(0.0, 0.015) * mouthFrownLeft + vec2(-0.01, 0.0) * mouthDimpleLeft);
  disp += cR * (vec2(0.022, -0.018) * mouthSmileRight + vec2(0.028, 0.004) * mouthStretchRight
              + vec2(0.0, 0.015) * mouthFrownRight + vec2(0.01, 0.0) * mouthDimpleRight);

  // Press / roll: lips thin towards the lip line.
  float lips = bump(d, vec2(1.1 * hw, 0.05));
  float press = 0.5 * (mouthPressLeft + mouthPressRight) + 0.5 * (mouthRollLower + mouthRollUpper);
  disp.y -= d.y * lips * 0.35 * clamp(press, 0.0, 1.0);

  // Cheeks puff outwards.
  disp.x += 0.02 * cheekPuff * (bell(d - vec2(1.6 * hw, -0.06), vec2(0.1)) - bell(d + vec2(1.6 * hw, 0.06), vec2(0.1)));
  return disp;
}

vec2 eyeDisplacement(vec2 p, vec2 eye, float blink, float browUp, float browDown) {
  vec2 d = p - eye;
  float region = bump(d, vec2(0.075, 0.035));
  // the upper lid travels further than the lower one
  float lid = d.y < 0.0 ? 0.75 : 0.3;
  vec2 disp = vec2(0.0, -d.y * lid * clamp(blink, 0.0, 1.0) * region);
  disp.y += 0.012 * (browDown - browUp) * bump(d + vec2(0.0, 0.06), vec2(0.08, 0.04));
  return disp;
}

void main() {
  v_uv = a_uv;
  vec2 p = vec2(a_uv.x, a_uv.y * u_aspect);
  vec2 disp = mouthDisplacement(p);
  disp += eyeDisplacement(p, u_eyeL, eyeBlinkLeft, browOuterUpLeft + browInnerUp, browDownLeft);
  disp += eyeDisplacement(p, u_eyeR, eyeBlinkRight, browOuterUpRight + browInnerUp, browDownRight);
  p += disp;
  vec2 img = vec2(p.x, p.y / u_aspect);
  gl_Position = vec4((img.x * 2.0 - 1.0) * u_scale.x, (1.0 - img.y * 2.0) * u_scale.y, 0.0, 1.0);
}
`;

export const FRAGMENT_SHADER = `#version 300 es
precision highp float;
in vec2 v_uv;
uniform sampler2D u_tex;
out vec4 outColor;
${COMMON}

void main() {
  vec4 c = texture(u_tex, v_uv);
  outColor = vec4(c.rgb, 1.0);
  // The lip line band (in the photo's own coordinates) is what the jaw stretches open: paint it as mouth interior.
  vec2 d = vec2(v_uv.x, v_uv.y * u_aspect) - u_mouth;
  float open = smoothstep(0.02, 0.2, lipsApart());
  // cheap early exit for the (coherent) pixels far from the mouth; software GL pays for every instruction
  if (open == 0.0 || abs(d.y - 0.009) > 0.025 || abs(d.x) > 1.2 * u_halfW) return;
  float widen = 0.06 * (mouthSmileLeft + mouthSmileRight + mouthStretchLeft + mouthStretchRight);
  float rx = u_halfW * (0.85 - 0.35 * mouthPucker - 0.2 * mouthFunnel + widen);
  vec2 q = vec2(d.x / rx, (d.y - 0.009) / 0.021);
  float e = dot(q, q);
  float inside = (1.0 - smoothstep(0.4, 1.0, e)) * open;
  vec3 interior = mix(vec3(0.08, 0.025, 0.03), vec3(0.32, 0.13, 0.13), smoothstep(0.15, 1.0, e));
  outColor.rgb = mix(c.rgb, interior, inside * 0.93);
}
`;
