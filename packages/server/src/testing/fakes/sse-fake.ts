import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How a fake LLM server behaves; every field can be changed between requests with `set()`. */
export interface FakeLlmBehaviour {
  /** ms from the request to the first token (default 350, the reference Gemini's) */
  firstTokenDelayMs: number;
  /** tokens per second after the first (default 150) */
  tokensPerSecond: number;
  /** tokens per SSE event (default 1) */
  tokensPerChunk: number;
  /** what the model says; default: a short reply in the language of the system prompt */
  reply: (req: FakeLlmRequest) => string;
  /** fail the whole request with this HTTP status before streaming (e.g. 401, 429, 500) */
  failStatus: number | null;
  /** after this many tokens, send an error event and end the stream */
  errorAfterTokens: number | null;
  /** after this many tokens, send a chunk that is not valid JSON */
  malformedAfterTokens: number | null;
  /** after this many tokens, stop sending but keep the connection open (a hung upstream) */
  stallAfterTokens: number | null;
}

/** What a fake saw of one request (for assertions; a real key never reaches a fake). */
export interface FakeLlmRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  /** the system prompt, however the API spells it */
  system: string;
  /** the last user text */
  userText: string;
  model: string;
  /** the client went away before the stream ended (an aborted turn) */
  aborted: boolean;
  /** the stream ended normally */
  completed: boolean;
  /** performance.now() when the request arrived */
  receivedAt: number;
  /** each chunk's text and the performance.now() it was written at (latency measurements) */
  sent: Array<{ text: string; at: number }>;
}

export const DEFAULT_REPLIES = {
  en: "Hello, it is me. You love sailing on the lake with your father. What do you see when you look at the water?",
  nl: "Hallo, ik ben het. Jij houdt van zeilen op het meer met je vader. Wat zie jij als je naar het water kijkt?",
} as const;

/** The default reply: Dutch when the system prompt is (the script's prompt says so), else English. */
export function defaultReply(req: FakeLlmRequest): string {
  return /Nederlands/.test(req.system) ? DEFAULT_REPLIES.nl : DEFAULT_REPLIES.en;
}

export function defaultBehaviour(): FakeLlmBehaviour {
  return {
    firstTokenDelayMs: 350,
    tokensPerSecond: 150,
    tokensPerChunk: 1,
    reply: defaultReply,
    failStatus: null,
    errorAfterTokens: null,
    malformedAfterTokens: null,
    stallAfterTokens: null,
  };
}

/** Splits text the way a tokenizer roughly does: words with their leading space, punctuation apart. */
export function fakeTokens(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}']+|\s*[^\s\p{L}\p{N}']/gu) ?? [];
}

/** One API's wire format: how a request is read and how the stream is written. */
export interface SseDialect {
  /** undefined: not this API's route (404) */
  parse(req: IncomingMessage, body: Record<string, unknown>): { system: string; userText: string; model: string } | undefined;
  /** a status to refuse the request with (a wrong key), or undefined */
  refuse?(req: IncomingMessage): number | undefined;
  errorBody(status: number): unknown;
  /** one SSE event's data for these tokens; `last` carries the finish reason */
  chunk(text: string, index: number, last: boolean, req: FakeLlmRequest): unknown;
  midStreamError(): unknown;
  /** written after the last chunk ("[DONE]" for OpenAI; nothing for Gemini) */
  done: string | null;
  /** SSE event separator ("\r\n\r\n" for Gemini, "\n\n" for OpenAI) */
  separator: string;
}

export interface FakeLlmServer {
  readonly baseUrl: string;
  readonly requests: FakeLlmRequest[];
  set(patch: Partial<FakeLlmBehaviour>): void;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a fake streaming LLM API on 127.0.0.1 (port 0). */
export async function startSseFake(dialect: SseDialect, behaviour: Partial<FakeLlmBehaviour> = {}): Promise<FakeLlmServer> {
  let b: FakeLlmBehaviour = { ...defaultBehaviour(), ...behaviour };
  const requests: FakeLlmRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || "{}") as Record<string, unknown>;
    } catch {
      return json(res, 400, dialect.errorBody(400));
    }
    const parsed = dialect.parse(req, body);
    if (!parsed) return json(res, 404, dialect.errorBody(404));
    const refused = dialect.refuse?.(req);
    if (refused !== undefined) return json(res, refused, dialect.errorBody(refused));
    const record: FakeLlmRequest = { path: req.url ?? "", headers: req.headers, body, ...parsed, aborted: false, completed: false, receivedAt, sent: [] };
    requests.push(record);
    const behaviour = b;
    if (behaviour.failStatus !== null) return json(res, behaviour.failStatus, dialect.errorBody(behaviour.failStatus));

    const tokens = fakeTokens(behaviour.reply(record));
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    res.on("close", () => {
      if (!record.completed) record.aborted = true;
      for (const t of timers) clearTimeout(t);
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    const write = (data: string): void => {
      if (!res.writableEnded) res.write(`data: ${data}${dialect.separator}`);
    };
    const t0 = receivedAt;
    const perToken = 1000 / Math.max(1, behaviour.tokensPerSecond);
    const groups: string[][] = [];
    for (let i = 0; i < tokens.length; i += behaviour.tokensPerChunk) groups.push(tokens.slice(i, i + behaviour.tokensPerChunk));
    let sent = 0;
    const step = (g: number): void => {
      const group = groups[g] ?? [];
      if (behaviour.stallAfterTokens !== null && sent >= behaviour.stallAfterTokens) return;
      if (behaviour.errorAfterTokens !== null && sent >= behaviour.errorAfterTokens) {
        write(JSON.stringify(dialect.midStreamError()));
        return void res.end();
      }
      if (behaviour.malformedAfterTokens !== null && sent >= behaviour.malformedAfterTokens) {
        write('{"not json": [');
        return void res.end();
      }
      const last = g === groups.length - 1;
      write(JSON.stringify(dialect.chunk(group.join(""), g, last, record)));
      record.sent.push({ text: group.join(""), at: performance.now() });
      sent += group.length;
      if (last) {
        if (dialect.done !== null) write(dialect.done);
        record.completed = true;
        return void res.end();
      }
      // paced against the start, so timer lateness does not add up
      const due = t0 + behaviour.firstTokenDelayMs + sent * perToken;
      timers.push(setTimeout(() => step(g + 1), Math.max(0, due - performance.now())));
    };
    if (groups.length === 0) groups.push([]);
    timers.push(setTimeout(() => step(0), Math.max(0, t0 + behaviour.firstTokenDelayMs - performance.now())));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, dialect.errorBody(500));
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    set: (patch) => {
      b = { ...b, ...patch };
    },
    reset: () => {
      b = { ...defaultBehaviour(), ...behaviour };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
