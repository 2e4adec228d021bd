import { faultSuite } from "./fault-suite.js";
import { LLM_TARGETS } from "./llm-targets.js";

faultSuite("llm", LLM_TARGETS);
