export { DeepLiveCamRun, type DeepLiveCamOptions, type DeepLiveCamStats } from "./supervisor.js";
