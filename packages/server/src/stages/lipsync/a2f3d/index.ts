export { A2F3D_DEFAULT_PORT, createA2f3dLipsync, type A2f3dOptions } from "./a2f3d-lipsync.js";
