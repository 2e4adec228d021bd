export * from "./faults.js";
export * from "./ports.js";
export * from "./http-fault-proxy.js";
export * from "./tcp-fault-proxy.js";
export * from "./leak-watch.js";
