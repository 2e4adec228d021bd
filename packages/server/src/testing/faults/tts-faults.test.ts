import { faultSuite } from "./fault-suite.js";
import { TTS_TARGETS } from "./tts-targets.js";

faultSuite("tts", TTS_TARGETS);
