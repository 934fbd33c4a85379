// `workers: 'auto'` (issue 14): small batches and tiny networks can train faster on one worker than on W, so
// the run measures its own first steps both ways and keeps the faster. Built on DataParallel's public API only
// (trainStep, sync, close): the first MEASURED+1 steps run on W workers, the next MEASURED+1 on the engine's thread
// alone (the first of each is a warm-up and not timed), then the verdict; going back to W workers first copies
// rank 0's weights, optimizer and random state to the replicas (sync), since they sat out the one-worker steps.
// Both ways compute the same update (W workers equal one to 1e-5), so measuring changes no result.
import { MAX_WORKERS, physicalCores, trainStep, type DataParallel } from '../runtime';
import type { Optimizer } from '../runtime';

/** Timed steps per side (after one warm-up step each). */
export const MEASURED = 3;

/** The W to try when the user leaves it to the engine: the physical cores, at most MAX_WORKERS. */
export const autoWorkers = (cores = physicalCores()) => Math.max(1, Math.min(MAX_WORKERS, cores));

/**
 * The workers of a run that names none: 'auto' (the physical cores, measured against one over the first steps, on
 * wasm; one elsewhere). NETLOOM_WORKERS=N|auto sets another default for this process (the test suites pin 1, so
 * that only the tests about workers start them).
 */
export function defaultWorkers(env: NodeJS.ProcessEnv = process.env): number | 'auto' {
  const v = env.NETLOOM_WORKERS?.trim() ?? '';
  if (v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  if (/^\d+$/.test(v) && n >= 1 && n <= MAX_WORKERS) return n;
  throw new Error(`NETLOOM_WORKERS must be 'auto' or a whole number from 1 to ${MAX_WORKERS}, got "${v}"`);
}

/** What a run asks for: its own setting, else the default. */
export const requestedWorkers = (w: number | 'auto' | undefined): number | 'auto' => w ?? defaultWorkers();

/** The workers a run starts with: a number as given; 'auto' the physical cores on wasm (workers need it), else one. */
export const startingWorkers = (requested: number | 'auto' | undefined, backend: string): number => {
  const r = requestedWorkers(requested);
  return r === 'auto' ? (backend === 'wasm' ? autoWorkers() : 1) : r;
};

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface WorkersVerdict {
  count: number;
  /** For the user: "2 workers: 1.6× one worker" or "1 worker: 2 workers were slower for this network/batch". */
  reason: string;
}

/** The verdict from measured step times (ms) on W workers and on one, a pure function (medians, W must win). */
export function decideWorkers(manyMs: readonly number[], oneMs: readonly number[], workers: number): WorkersVerdict {
  const many = median(manyMs),
    one = median(oneMs);
  const speedup = one / many;
  if (speedup > 1)
    return { count: workers, reason: `${workers} workers: ${speedup.toFixed(1)}× one worker in the first steps` };
  return {
    count: 1,
    reason: `1 worker: ${workers} workers were slower for this network/batch (${speedup.toFixed(2)}× in the first steps)`,
  };
}

/** The step function of a run with `workers: 'auto'`: measures, decides once, then steps the chosen way. */
export class WorkersChoice {
  private many: number[] = [];
  private one: number[] = [];
  private taken = 0;
  private verdict: WorkersVerdict | null = null;

  constructor(
    private parallel: DataParallel,
    readonly workers: number,
    private readonly onVerdict: (v: WorkersVerdict) => void,
  ) {}

  /** The verdict, once the measuring steps are done. */
  get decided(): WorkersVerdict | null {
    return this.verdict;
  }

  /** runtime trainStep's contract. */
  readonly step: typeof trainStep = async (model, opt, x, y, n, probe) => {
    if (this.verdict) {
      return this.verdict.count > 1
        ? this.parallel.trainStep(model, opt, x, y, n, probe)
        : trainStep(model, opt, x, y, n, probe);
    }
    const i = this.taken++;
    const onMany = i <= MEASURED;
    const t0 = performance.now();
    const r = onMany
      ? await this.parallel.trainStep(model, opt, x, y, n, probe)
      : await trainStep(model, opt, x, y, n, probe);
    const ms = performance.now() - t0;
    // A step that skipped its update (non-finite loss) or a short last batch measures something else: not timed.
    const timed = r.applied !== false && i !== 0 && i !== MEASURED + 1;
    if (timed) (onMany ? this.many : this.one).push(ms / n);
    if (i === 2 * MEASURED + 1) await this.decide(opt);
    return r;
  };

  private async decide(opt: Optimizer): Promise<void> {
    // Too few clean figures (non-finite steps): stay on one worker, the safe side.
    const v =
      this.many.length && this.one.length
        ? decideWorkers(this.many, this.one, this.workers)
        : { count: 1, reason: `1 worker: the first steps could not be measured` };
    if (v.count > 1) await this.parallel.sync(opt);
    else await this.parallel.close();
    this.verdict = v;
    this.onVerdict(v);
  }
}
