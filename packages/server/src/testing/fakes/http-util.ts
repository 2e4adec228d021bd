import type { IncomingMessage, ServerResponse } from "node:http";

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Parses a multipart body with the platform's own parser (undici's Request.formData). */
export async function readForm(req: IncomingMessage): Promise<FormData> {
  const body = await readBody(req);
  const request = new Request("http://fake.local/", { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body });
  return request.formData();
}
