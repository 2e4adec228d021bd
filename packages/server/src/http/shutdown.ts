/**
 * SIGINT / SIGTERM: every open visit is purged (buffers wiped, temp files removed, providers told to forget)
 * before the process exits. A second signal while purging exits at once.
 */
export function purgeOnSignals(close: () => Promise<void>, log: (line: string) => void = () => undefined): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: purging open visits`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${err instanceof Error ? err.name : typeof err}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
