#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx mirror` needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
try {
  await main(process.argv.slice(2));
} catch (err) {
  console.error(`mirror: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
