import { createReadStream, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".json": "application/json",
  ".onnx": "application/octet-stream",
  ".onnx_data": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".mjs": "text/javascript; charset=utf-8",
};

/**
 * A file under `root` named by the rest of a URL path, or null: no "..", no absolute paths, no dot files, only
 * regular files. Model folders can hold hundreds of MB, so they are streamed from disk, never kept in memory.
 */
export function fileUnder(root: string, rest: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (!rel || rel.includes("\0") || rel.split("/").some((part) => part === ".." || part.startsWith("."))) return null;
  const base = resolve(root);
  const path = resolve(base, rel);
  if (!path.startsWith(base + sep)) return null;
  try {
    return statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

export function sendFile(req: IncomingMessage, res: ServerResponse, path: string): void {
  const size = statSync(path).size;
  res.writeHead(200, {
    "content-type": TYPES[extname(path)] ?? "application/octet-stream",
    "content-length": String(size),
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") return void res.end();
  const stream = createReadStream(path);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

export function notFound(res: ServerResponse, text: string): void {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}
