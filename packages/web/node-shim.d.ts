// The few Node APIs build.ts uses, for this browser-typed project (the server's project sees Node's real types).
declare module "node:fs" {
  export function readFileSync(path: string): Uint8Array;
}
declare module "node:module" {
  export function createRequire(url: string): { resolve(id: string): string };
}
declare module "node:path" {
  export function dirname(path: string): string;
  export function join(...parts: string[]): string;
}
