import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { tokenMatches } from "./console-token.js";

export const CONSOLE_COOKIE = "mirror_console";

export interface AccessOptions {
  /** the operator console's token */
  consoleToken: string;
  /** origins besides the server's own that may open the kiosk WebSocket and call the API (e.g. "https://mirror.local") */
  allowedOrigins?: readonly string[];
}

/**
 * A browser always sends Origin on a WebSocket and on cross-site requests; a non-browser client may send none
 * (it cannot carry a visitor's cookies, so it gains nothing). The server's own origin is allowed when the Host it
 * was reached by is a local name or an IP literal; any other host name must be listed, so a DNS-rebinding page
 * (evil.example resolving to this machine) is refused.
 */
export function originAllowed(req: IncomingMessage, o: AccessOptions): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (o.allowedOrigins?.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = req.headers.host;
  if (!host || url.host !== host) return false;
  return isLocalOrIpHost(url.hostname);
}

function isLocalOrIpHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare.endsWith(".localhost") || isIP(bare) !== 0;
}

/** CORS: only a listed foreign origin gets the header; the server's own pages need none. */
export function corsHeaders(req: IncomingMessage, o: AccessOptions): OutgoingHttpHeaders {
  const origin = req.headers.origin;
  if (!origin || !o.allowedOrigins?.includes(origin)) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": "authorization, content-type",
    vary: "origin",
  };
}

/** The console's token from `Authorization: Bearer …` or the console cookie. */
export function consoleAuthorized(req: IncomingMessage, o: AccessOptions): boolean {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return tokenMatches(auth.slice(7).trim(), o.consoleToken);
  return tokenMatches(readCookie(req, CONSOLE_COOKIE), o.consoleToken);
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Set after `/console?token=…`: the browser keeps it, scripts cannot read it, other sites cannot send it. */
export function consoleCookie(token: string): string {
  return `${CONSOLE_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}`;
}
