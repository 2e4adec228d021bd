import { vadContract } from "../../../testing/contracts/vad.contract.js";
import { createSileroVad } from "./index.js";

vadContract("silero", () => createSileroVad(), { toleranceSamples: 512, endToleranceSamples: 1600 });
