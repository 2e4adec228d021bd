import type { Health } from "../core/contracts/common.js";

export interface HealthSource {
  info: { id: string };
  health?(): Promise<Health>;
}

export type HealthReport = Record<string, Health>;

/**
 * Asks every provider how it is, each within `timeoutMs` (a hung provider reports as down, it does not hang the
 * console). Details are cut short: they name models and hosts, never keys or visitor content.
 */
export async function checkHealth(sources: Readonly<Record<string, HealthSource | undefined>>, timeoutMs = 2_000): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(sources).map(async ([stage, p]): Promise<[string, Health] | null> => {
      if (!p) return null;
      const name = `${stage} · ${p.info.id}`;
      if (!p.health) return [name, { ok: true, detail: "no health check" }];
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Health>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      });
      try {
        const h = await Promise.race([p.health(), timeout]);
        return [name, { ok: h.ok, detail: h.detail.slice(0, 300) }];
      } catch (err) {
        return [name, { ok: false, detail: (err instanceof Error ? err.name : "error").slice(0, 80) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries.filter((e): e is [string, Health] => e !== null));
}
