// Which backend trains when the user does not say (issue 13): a working GPU first (torch CUDA/MPS, then
// tfjs-node-gpu), then the fastest CPU backend in a short speed probe (runtime/backends/probe.ts), measured the
// first time a CPU choice is needed and cached in the app cache (backend-probe.json, keyed by the backends'
// versions and the machine's CPU). engine/info shows the figures and the choice; train/start and `netloom train`
// use it. NETLOOM_BACKEND_PROBE=off skips the probe: the first available CPU backend in the registry's order
// (the test suites set it, so that their runs stay on wasm whatever this machine's torch would measure).
import { createRequire } from 'node:module';
import os from 'node:os';
import { backendReport } from '../runtime';
import {
  chooseBackend,
  probeable,
  probeTfjs,
  probeTorchCpu,
  PROBE_VERSION,
  type AutomaticChoice,
  type BackendFacts,
  type ProbeFigure,
  type ProbeOptions,
} from '../runtime/backends/probe';
import { probeTorch } from '../runtime/backends/torch';
import { readCacheJson, writeCacheJson } from './cache';

export const PROBE_FILE = 'backend-probe.json';
export const probeEnabled = () => process.env.NETLOOM_BACKEND_PROBE !== 'off';

/** The npm package behind each tfjs backend, whose version the figures are valid for. */
const PACKAGES: Record<string, string> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

function packageVersion(pkg: string): string {
  try {
    return (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'bundled';
  }
}

interface CacheShape {
  entries: Record<string, { at: number; figures: ProbeFigure[] }>;
}

const isFigure = (f: unknown): f is ProbeFigure =>
  typeof f === 'object' &&
  f !== null &&
  typeof (f as ProbeFigure).name === 'string' &&
  ((f as ProbeFigure).imagesPerSec === undefined || Number.isFinite((f as ProbeFigure).imagesPerSec));

/** The cache file's entries; anything unexpected (a corrupt or foreign file) reads as empty and is rewritten. */
function readEntries(): CacheShape['entries'] {
  const c = readCacheJson(PROBE_FILE) as CacheShape | null;
  if (!c || typeof c.entries !== 'object' || c.entries === null) return {};
  const ok: CacheShape['entries'] = {};
  for (const [k, v] of Object.entries(c.entries))
    if (v && Array.isArray(v.figures) && v.figures.every(isFigure)) ok[k] = v;
  return ok;
}

/** Every backend with its availability, whether it has a GPU here, and the cached probe figure (if any). */
export async function backendFacts(): Promise<BackendFacts[]> {
  const report = await backendReport();
  const torch = report.some((r) => r.name === 'torch' && r.available) ? await probeTorch() : null;
  return report.map((r) => ({
    name: r.name,
    available: r.available,
    reason: r.note,
    gpu: r.available && (r.name === 'tensorflow-gpu' || (r.name === 'torch' && !!(torch?.cuda.length || torch?.mps))),
  }));
}

/** What the probe's figures are valid for: this probe, the backends measured and their versions, the CPU. */
async function probeKey(names: string[]): Promise<string> {
  const cpu = os.cpus();
  const versions = await Promise.all(
    names.map(async (n) => `${n} ${n === 'torch' ? (await probeTorch()).version : packageVersion(PACKAGES[n] ?? n)}`),
  );
  return JSON.stringify({ probe: PROBE_VERSION, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, versions });
}

/** The figures of this process: `done` once measured or read, so a caller that must not wait never waits. */
let memo: { key: string; figures: Promise<ProbeFigure[]>; done?: ProbeFigure[] } | null = null;
let probes = 0;

/** How many times a backend was actually measured in this process (the cache's tests count them). */
export const probeRuns = () => probes;
/** Forgets the figures held in memory (the next call reads the cache file again). For tests. */
export function forgetProbe(): void {
  memo = null;
}

/**
 * The CPU backends' probe figures: from memory, else from the cache file, else measured now (each available CPU
 * backend for about a second) and written to the cache. `measure: false` never measures: null when unknown.
 * Measuring activates each tfjs backend in turn: call it before a run starts, never during one.
 */
export async function cpuProbe(
  facts: readonly BackendFacts[],
  { measure = true, ...options }: ProbeOptions & { measure?: boolean } = {},
): Promise<ProbeFigure[] | null> {
  const names = probeable(facts);
  if (!names.length) return [];
  const key = await probeKey(names);
  if (memo?.key === key) return measure ? memo.figures : (memo.done ?? null); // (a probe under way: not yet)
  const hit = readEntries()[key];
  if (hit) {
    memo = { key, figures: Promise.resolve(hit.figures), done: hit.figures };
    return hit.figures;
  }
  if (!measure) return null;
  const entry: NonNullable<typeof memo> = { key, figures: measureAll(names, key, options) };
  memo = entry;
  entry.figures.then(
    (out) => (entry.done = out),
    () => {
      if (memo === entry) memo = null;
    },
  );
  return entry.figures;
}

/** Measures each backend in turn (never two at once: they would share the cores) and writes the cache. */
async function measureAll(names: string[], key: string, options: ProbeOptions): Promise<ProbeFigure[]> {
  const out: ProbeFigure[] = [];
  for (const name of names) {
    probes++;
    if (name === 'torch') {
      const t = await probeTorch();
      out.push(t.python ? await probeTorchCpu(t.python, options) : { name, error: t.reason });
    } else out.push(await probeTfjs(name, options));
  }
  writeCacheJson(PROBE_FILE, { entries: { ...readEntries(), [key]: { at: Date.now(), figures: out } } });
  return out;
}

export interface BackendChoiceReport extends AutomaticChoice {
  /** Every backend as engine/info lists it, with its probe figure where measured. */
  backends: (BackendFacts & { probeError?: string })[];
}

/**
 * The automatic choice with its reason, and every backend's facts. `measure: false` (engine/info) uses only
 * figures already known and never starts the probe; train/start and `netloom train` measure when needed.
 */
export async function automaticBackend({ measure = true }: { measure?: boolean } = {}): Promise<BackendChoiceReport> {
  const facts: BackendChoiceReport['backends'] = (await backendFacts()).map((f) => ({ ...f }));
  const gpu = facts.some((f) => f.gpu);
  // A GPU wins without measuring anything; without one, the CPU figures decide.
  const figures = probeEnabled() ? await cpuProbe(facts, { measure: measure && !gpu }) : null;
  for (const f of figures ?? []) {
    const b = facts.find((x) => x.name === f.name);
    if (!b) continue;
    if (f.imagesPerSec !== undefined) b.imagesPerSec = f.imagesPerSec;
    if (f.error) b.probeError = f.error;
  }
  const unmeasured = probeEnabled()
    ? 'not measured yet: the speed probe runs before the first automatic run'
    : 'speed probe off: NETLOOM_BACKEND_PROBE=off';
  const choice = chooseBackend(facts, unmeasured);
  return { ...choice, backends: facts };
}

/**
 * Data-parallel workers run replicas on wasm only: a run that asks for them (W > 1, or 'auto') without naming a
 * backend gets wasm, and its reason says why, rather than a faster backend that would have no workers. Null when
 * the workers leave the choice to automaticBackend.
 */
export function workersBackend(workers: number | 'auto' | undefined): AutomaticChoice | null {
  if (workers === undefined || workers === 1) return null;
  const asked = workers === 'auto' ? "workers 'auto'" : `${workers} workers`;
  return { name: 'wasm', reason: `${asked} asked for: data-parallel workers run on wasm only` };
}
