import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { buildWebAssets } from "@mirror/web";
import { loadConfig } from "../config/config.js";
import { buildProviders, closeProviders, warmup } from "../config/providers.js";
import { seededRandom, systemClock } from "../core/clock.js";
import { applyDemoLanguage } from "../demo/language.js";
import { replayVisit } from "../demo/replay.js";
import { writeDemoReport } from "../demo/report.js";
import { benchCommand } from "./bench-command.js";
import { SOAK_USAGE, soakCommand } from "./soak-command.js";
import { loadVisitor } from "../demo/visitor.js";
import { defaultConfigDir, resolveConsoleToken } from "../http/console-token.js";
import { consentScreens } from "../config/privacy.js";
import { createRetention } from "../retention/from-config.js";
import { startServer } from "../http/server.js";
import { purgeOnSignals } from "../http/shutdown.js";
import { PoolRegistry } from "../core/pool/pool-registry.js";
import { BoothRegistry } from "../http/booths.js";
import { MetricsObserver } from "../observers/metrics.js";
import { ProviderStatusBoard } from "../observers/provider-status.js";
import { applySinkFlags, SINK_FLAG_OPTIONS, SINK_FLAGS_USAGE } from "../sinks/config.js";
import { sinkTable } from "../sinks/from-config.js";
import { createDialoguePlan } from "../script/plan.js";

const USAGE = `mirror — real-time digital doubles

  mirror start [--config file] [--port N] [--host H]
      kiosk at /, operator console at /console (embedded defaults: no keys, no GPU)
      sinks (start and demo): ${SINK_FLAGS_USAGE}
  mirror demo --visitor <dir> --out <dir> [--fast] [--config file] [--language en|nl]
      replays a recorded visitor through the whole pipeline, writes report.json, reply-NN.wav, frames-NN.jsonl
      (the brain: stages.llm in the config, or MIRROR_LLM=gemini,openai,gguf,scripted — see docs/brains.md)
  mirror bench [--config file] [--visitors dir] [--runs N] [--out dir] [--quick] [--no-browser]
      the benchmark: per-stage latency, browser playback and lip motion, fps, concurrency → bench.json + bench.html
  mirror bench load [--tiny] [--scale 0.2] [--turns N] [--booths 1,2,4,8,16] [--gpus 1,2,4] [--target ms] [--background 0..0.9]
      load test: simulated booths against fakes of GPU servers → load.{json,md,svg,html} (see docs/deploy.md)
${SOAK_USAGE}
`;

const log = (line: string) => console.log(`[mirror] ${line}`);

async function start(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: "string" }, port: { type: "string" }, host: { type: "string" }, ...SINK_FLAG_OPTIONS } });
  const overrides: Record<string, unknown> = {};
  const config = applySinkFlags(loadConfig({ ...(values.config ? { file: values.config } : {}), overrides }), values);
  if (values.port) config.server.port = Number(values.port);
  if (values.host) config.server.host = values.host;
  const pools = new PoolRegistry();
  const providerStatus = new ProviderStatusBoard();
  const providers = buildProviders(config, { log, pools, status: providerStatus });
  const t0 = performance.now();
  const [assets] = await Promise.all([buildWebAssets(), warmup(providers)]);
  const metrics = new MetricsObserver({ log });
  const consoleToken = resolveConsoleToken();
  const retention = createRetention(config.privacy.retention, { configDir: defaultConfigDir(), log });
  const server = await startServer({
    host: config.server.host,
    port: config.server.port,
    assets,
    metrics,
    log,
    pools,
    providerStatus,
    booths: new BoothRegistry(config.booths),
    ...(process.env.MIRROR_METRICS_TOKEN ? { metricsToken: process.env.MIRROR_METRICS_TOKEN } : {}),
    consoleToken: consoleToken.token,
    allowedOrigins: config.server.allowedOrigins,
    session: {
      providers,
      plan: createDialoguePlan(),
      clock: systemClock,
      random: Math.random,
      observers: [metrics],
      language: config.language,
      timeouts: { silenceMs: config.visit.silenceTimeoutMs, idleMs: config.visit.idleTimeoutMs },
      kioskIdleMs: config.visit.kioskIdleTimeoutMs,
      consent: consentScreens(config.privacy),
      retention,
      ...(config.gpuBudget.rendererMaxFpsWhileSpeaking ? { rendererMaxFpsWhileSpeaking: config.gpuBudget.rendererMaxFpsWhileSpeaking } : {}),
      backchannels: config.stages.bargeIn.backchannels ? config.stages.bargeIn : false,
    },
  });
  log(`ready in ${Math.round(performance.now() - t0)} ms — kiosk ${server.url}/  console ${server.url}/console`);
  // shown once, when it is made; later starts only say where it is kept
  if (consoleToken.source === "generated") console.log(`\n  console token (shown once, kept in ${consoleToken.file}):\n  ${server.url}/console?token=${consoleToken.token}\n`);
  else log(`console token from ${consoleToken.source === "env" ? "MIRROR_CONSOLE_TOKEN" : consoleToken.file}`);
  // One visit's failure must not end every other visit: keep serving, log the kind of error (never its text,
  // which may quote a provider's reply or the visitor's words).
  process.on("unhandledRejection", (err) => log(`unhandled ${err instanceof Error ? err.name : typeof err} in a visit; the server keeps running`));
  purgeOnSignals(async () => {
    await server.close();
    retention?.stop();
    await closeProviders(providers);
  }, log);
}

async function demo(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { visitor: { type: "string" }, out: { type: "string" }, fast: { type: "boolean", default: false }, config: { type: "string" }, seed: { type: "string" }, language: { type: "string" }, ...SINK_FLAG_OPTIONS },
  });
  if (!values.visitor || !values.out) throw new Error(`--visitor and --out are required\n\n${USAGE}`);
  const config = applySinkFlags(loadConfig(values.config ? { file: values.config } : {}), values);
  const visitor = loadVisitor(resolve(values.visitor));
  const speed = values.fast ? 3 : 1;
  const providers = buildProviders(config, { sinkRate: speed, log });
  applyDemoLanguage(visitor, providers, values.language, log);
  await warmup(providers);
  log(`replaying ${visitor.turns.length} turns from ${values.visitor} at ${speed}× real time`);
  const result = await replayVisit(visitor, {
    providers,
    plan: createDialoguePlan(),
    clock: systemClock,
    random: seededRandom(Number(values.seed ?? 7)),
    speed,
    onProgress: log,
    backchannels: config.stages.bargeIn.backchannels ? config.stages.bargeIn : false,
  });
  const sinkStats = await providers.sinkSet?.stats();
  const table = writeDemoReport(result, resolve(values.out), {
    visitor: values.visitor,
    speed,
    ...(sinkStats ? { sinks: sinkStats } : {}),
    providers: Object.fromEntries(Object.entries(providers).filter(([k]) => k !== "sinks" && k !== "sinkSet" && k !== "fillers").map(([k, p]) => [k, (p as { info: { id: string } }).info.id])),
  });
  console.log(table);
  if (sinkStats) console.log(sinkTable(sinkStats));
  log(`report written to ${resolve(values.out)}/report.json`);
  if (result.errors.length) log(`errors: ${result.errors.join("; ")}`);
  await closeProviders(providers);
  if (!result.deletion?.verified) throw new Error("visit was not purged and verified");
  if (result.turns.length === 0) throw new Error("no visitor turn was answered");
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === "start") return start(rest);
  if (cmd === "demo") return demo(rest);
  if (cmd === "bench") return benchCommand(rest);
  if (cmd === "soak") return soakCommand(rest);
  console.log(USAGE);
  if (cmd && cmd !== "help" && cmd !== "--help") process.exitCode = 2;
}
