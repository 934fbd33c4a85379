// `netloom train … --watch conv1,dense1 [--watch-every K]`: at the end of each epoch (or every K steps), one
// `activations` line per watched block (its output on the probe batch: the first 8 test samples) and one
// `health` line with every trainable parameter's norms, from the same engine code the editor's views use.
import type { InferResult } from '../core';
import type { Session, Trainer } from '../train';
import { CliError, type Parsed } from './args';

export const WATCH_FLAGS = {
  watch: {
    arg: 'BLOCKS',
    help: 'comma-separated block paths to watch (conv1,b2/r1/conv1): activations + health lines',
  },
  'watch-every': { arg: 'K', help: 'watch every K steps instead of at the end of each epoch' },
};

export interface WatchSpec {
  blocks: string[];
  /** Steps between reports; null: at the end of each epoch. */
  every: number | null;
}

/** The watch flags, checked against the network before anything is allocated. */
export function watchFromFlags(p: Parsed, net: InferResult): WatchSpec | null {
  const list = p.flags.watch,
    every = p.flags['watch-every'];
  if (list === undefined) {
    if (every !== undefined) throw new CliError('--watch-every needs --watch BLOCKS');
    return null;
  }
  if (list === true || !list.trim()) throw new CliError('--watch needs block paths, e.g. --watch conv1,dense1');
  const blocks = [...new Set(list.split(',').map((s) => s.trim()))].filter(Boolean);
  for (const b of blocks)
    if (!net.blocks.some((x) => x.path === b && b !== ''))
      throw new CliError(
        `--watch: the network has no block "${b}" (blocks: ${net.blocks
          .filter((x) => x.path)
          .map((x) => x.path)
          .slice(0, 12)
          .join(', ')}${net.blocks.length > 13 ? ', …' : ''})`,
        'E_UNKNOWN_BLOCK',
      );
  let k: number | null = null;
  if (every !== undefined) {
    k = Number(every);
    if (every === true || !Number.isInteger(k) || k < 1)
      throw new CliError(`--watch-every must be a whole number >= 1, got ${JSON.stringify(every)}`);
  }
  return { blocks, every: k };
}

const round = (v: number) => (Number.isFinite(v) ? +v.toPrecision(6) : v);

/** Hooks the watch into the trainer; `out` receives one plain object per line. */
export async function startWatch(
  trainer: Trainer,
  session: Session,
  spec: WatchSpec,
  out: (line: object) => void,
): Promise<void> {
  const { RunMonitor, tensorStats } = await import('../debug');
  const { accessFor } = await import('../host/debug-api');
  const { probeBatch } = await import('../host/debug-data');
  const probe = probeBatch(session.data);
  const owner = new Map(session.net.parameters.map((p) => [p.name, p.owner]));
  // On torch, the runner holds after the due steps until these lines are out (TorchOptions.hold): the lines
  // show the model exactly at their step, as on wasm.
  const monitor: InstanceType<typeof RunMonitor> = new RunMonitor(accessFor(trainer, session), {
    probe,
    watches: () => [],
    onAnomaly: (a) => out({ event: 'anomaly', kind: a.kind, block: a.block, step: a.step, message: a.message }),
    afterStep: async (info) => {
      const due = spec.every ? info.step % spec.every === 0 : info.batch === info.batches - 1;
      if (!due) return;
      const { outputs } = await monitor.access.inspect({
        input: probe.input,
        shape: probe.shape,
        paths: spec.blocks,
        values: [],
        grads: [],
      });
      for (const block of spec.blocks) {
        const o = outputs.get(block)!;
        const { mean, std, min, max, zeros } = tensorStats(o.data);
        out({
          event: 'activations',
          block,
          step: info.step,
          shape: o.shape.slice(1),
          stats: { mean: round(mean), std: round(std), min: round(min), max: round(max), zeros: round(zeros) },
        });
      }
      const last = monitor.last;
      if (last)
        out({
          event: 'health',
          step: info.step,
          params: last.names.map((name, i) => ({
            name,
            block: owner.get(name) ?? name,
            weightNorm: round(last.weightNorm[i]),
            gradNorm: round(last.gradNorm[i]),
            updateRatio: round(last.updateRatio[i]),
          })),
        });
    },
  });
}

/** What a torch run must do for a watch: hold after the due steps until the lines are out. */
export function torchHold(spec: WatchSpec): { every: number } | { epochEnd: true } {
  return spec.every ? { every: spec.every } : { epochEnd: true };
}
