export * from "./arkit.js";
export * from "./binary.js";
export * from "./messages.js";
