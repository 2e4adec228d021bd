import type { Stt, SttEvent, SttStream, SttStreamOptions } from "../contracts/stt.js";
import { poolLifecycle, withLease, type EndpointPool } from "./endpoint-pool.js";

/**
 * One STT over a pool of batch transcription servers (e.g. several Whisper servers). The utterance is kept until
 * end(), then sent to the least busy server; one that fails before its final hands the same audio to the next.
 * Only for non-streaming servers: a streaming STT would lose its partials to the buffering.
 */
export function createPooledStt(pool: EndpointPool<Stt>): Stt {
  const first = pool.endpoints[0]?.target;
  if (!first) throw new Error("pooled stt: empty pool");
  const id = `pool:${pool.name}`;

  const transcribe = (chunks: Int16Array[], opts: SttStreamOptions): AsyncIterable<SttEvent> =>
    withLease(pool, {
      signal: opts.signal,
      providerId: id,
      // a batch server answers the whole utterance: the events come all at once, after its final
      run: async (lease) => {
        const stream = lease.endpoint.target.open(opts);
        for (const c of chunks) stream.push(c);
        stream.end();
        const events: SttEvent[] = [];
        for await (const ev of stream.events) events.push(ev);
        return events;
      },
    });

  return {
    info: { ...first.info, id },
    capabilities: { ...first.capabilities, streaming: false, partials: false },
    open(opts): SttStream {
      const chunks: Int16Array[] = [];
      let ended: () => void = () => undefined;
      const endedP = new Promise<void>((r) => (ended = r));
      return {
        push: (pcm) => void chunks.push(pcm.slice()),
        end: () => ended(),
        events: (async function* () {
          await endedP;
          yield* transcribe(chunks, opts);
        })(),
      };
    },
    ...poolLifecycle(pool),
  };
}
