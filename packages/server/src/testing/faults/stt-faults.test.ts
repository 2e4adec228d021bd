import { faultSuite } from "./fault-suite.js";
import { WHISPER_TARGET } from "./stt-targets.js";

faultSuite("stt", [WHISPER_TARGET]);
