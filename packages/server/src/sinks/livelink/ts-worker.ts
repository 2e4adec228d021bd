import { Worker } from "node:worker_threads";

/**
 * A worker thread running the module beside `base` named `name` (without extension): the compiled .js when
 * running compiled, else the .ts source through tsx, registered inside the thread too.
 */
export function startModuleWorker(base: string, name: string, workerData: unknown): Worker {
  const script = new URL(base.endsWith(".ts") ? `./${name}.ts` : `./${name}.js`, base).href;
  const code = script.endsWith(".ts")
    ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(script)}); });`
    : `import(${JSON.stringify(script)});`;
  return new Worker(code, { eval: true, workerData });
}
