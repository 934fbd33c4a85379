// The backend registry: one file per backend, ordered by priority. Adding a backend is one more file plus one
// line in BACKENDS. The next one is `webgpu` (@tensorflow/tfjs-backend-webgpu over dawn's Node binding, the
// `webgpu` npm package): GPU training on any vendor through Vulkan/Metal/D3D12. Its available() must reject
// software adapters (Mesa's lavapipe/SwiftShader) so that a CPU emulating a GPU never wins over wasm automatically.
import { cpuBackend } from './cpu';
import { tensorflowBackend } from './tensorflow';
import { tensorflowGpuBackend } from './tensorflow-gpu';
import { tf } from './tf';
import { torchBackend } from './torch';
import type { BackendEntry, BackendInitOptions } from './types';
import { wasmBackend } from './wasm';

export const BACKENDS: readonly BackendEntry[] = [
  tensorflowGpuBackend,
  tensorflowBackend,
  wasmBackend,
  cpuBackend,
  torchBackend,
]
  .slice()
  .sort((a, b) => b.priority - a.priority);

export interface BackendTry {
  name: string;
  reason: string;
}

export interface BackendChoice {
  /** Registry name of the active backend. */
  name: string;
  /** Why it was chosen, for the UI: "wasm: WebAssembly + XNNPACK … (SIMD, 2 threads)". */
  reason: string;
  /** Every backend looked at before the choice, with why it was skipped. */
  tried: BackendTry[];
}

export function backendNames(): string[] {
  return BACKENDS.map((b) => b.name);
}

function find(name: string): BackendEntry | undefined {
  return BACKENDS.find((b) => b.name === name);
}

/** Backends that failed to start this process, with why (engine/info reports them unavailable). */
const startFailures = new Map<string, string>();
let starts = 0;

async function start(
  entry: BackendEntry,
  options: BackendInitOptions,
  why: string,
  tried: BackendTry[],
): Promise<BackendChoice> {
  try {
    await entry.init(options);
  } catch (e) {
    startFailures.set(entry.name, `failed to start: ${(e as Error).message}`);
    throw e;
  }
  starts++;
  startFailures.delete(entry.name);
  const extra = entry.describe?.();
  return { name: entry.name, reason: `${why}${extra ? ` (${extra})` : ''}`, tried };
}

/** How many times a backend was initialised in this process: stays put while runs reuse the one selected. */
export function backendStarts(): number {
  return starts;
}

/**
 * Picks and activates a backend. Without `requested`: the highest-priority one that is available and starts.
 * With it: that one or an error naming the available ones. `tried` lists what was skipped and why.
 */
export async function selectBackend(requested?: string, options: BackendInitOptions = {}): Promise<BackendChoice> {
  const tried: BackendTry[] = [];
  if (requested) {
    const entry = find(requested);
    if (!entry) {
      throw new Error(`Unknown backend '${requested}'. Known backends: ${backendNames().join(', ')}.`);
    }
    if (entry.kind === 'process') return entry.init(options).then(() => ({ name: '', reason: '', tried }));
    const a = await entry.available();
    if (!a.ok) {
      const avail: string[] = [];
      for (const b of BACKENDS) if ((await b.available()).ok) avail.push(b.name);
      throw new Error(`Backend '${requested}' is not available: ${a.reason}. Available backends: ${avail.join(', ')}.`);
    }
    return start(entry, options, `requested: ${a.reason}`, tried);
  }
  for (const entry of BACKENDS) {
    if (entry.kind === 'process') continue; // a training choice (torch.ts: trainingBackend), never the tfjs backend
    const a = await entry.available();
    if (!a.ok) {
      tried.push({ name: entry.name, reason: a.reason });
      continue;
    }
    try {
      return await start(entry, options, a.reason, tried);
    } catch {
      tried.push({ name: entry.name, reason: startFailures.get(entry.name)! });
    }
  }
  throw new Error(`No tfjs backend could start: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

let current: Promise<BackendChoice> | undefined;
let currentKey = '';
/** The name the automatic choice (key `|threads`) settled on, so asking for it by name reuses it. */
let chosenName: string | undefined;

/**
 * The engine's entry point: activates a backend once per process and waits for tfjs to be ready. A repeat
 * call that asks for the same thing (the same name, or none after an automatic choice, with the same
 * threads) returns the same choice without touching the backend; the compiler and trainer call it freely.
 */
export function initEngineBackend(requested?: string, options: BackendInitOptions = {}): Promise<BackendChoice> {
  const threads = `${options.threads ?? ''}`;
  const key = `${requested ?? ''}|${threads}`;
  // A request naming the backend the automatic choice already started is the same request.
  const same =
    key === currentKey || (requested !== undefined && currentKey === `|${threads}` && chosenName === requested);
  if (!current || !same) {
    currentKey = key;
    chosenName = undefined;
    const p: Promise<BackendChoice> = selectBackend(requested, options).then(async (c) => {
      await tf.ready();
      if (current === p) chosenName = c.name;
      return c;
    });
    current = p;
    p.catch(() => {
      if (current === p) current = undefined;
    });
  }
  return current;
}

/** The backend initEngineBackend activated, once it is ready; null before (or after a failed start). */
export async function activeBackend(): Promise<BackendChoice | null> {
  return (await current?.catch(() => null)) ?? null;
}

/**
 * What engine/info shows: every backend with whether it can run here. Available only when it started in this
 * process or passes its cheap probe (`available()`); one that failed to start is unavailable with the error.
 */
export async function backendReport(): Promise<{ name: string; available: boolean; note: string }[]> {
  const active = await activeBackend();
  const out = [];
  for (const entry of BACKENDS) {
    if (active?.name === entry.name) {
      out.push({ name: entry.name, available: true, note: `active: ${active.reason}` });
      continue;
    }
    const failed = startFailures.get(entry.name);
    const a = failed ? { ok: false, reason: failed } : await entry.available();
    out.push({ name: entry.name, available: a.ok, note: a.reason });
  }
  return out;
}

const TF_PRIORITY: Record<string, number> = { tensorflow: 3, wasm: 2, cpu: 1 };

/**
 * Frees the active backend (the threaded wasm build holds worker threads that keep Node alive) and forgets the
 * choice; the next initEngineBackend starts a fresh one. For process shutdown and tests.
 */
export async function shutdownEngineBackend(): Promise<void> {
  const choice = await current?.catch(() => undefined);
  current = undefined;
  currentKey = '';
  chosenName = undefined;
  const entry = choice && find(choice.name);
  if (!entry) return;
  const factory = tf.findBackendFactory(entry.tfName);
  tf.removeBackend(entry.tfName); // disposes it: wasm terminates its pthread workers
  if (factory) tf.registerBackend(entry.tfName, factory, TF_PRIORITY[entry.tfName] ?? 1);
}
