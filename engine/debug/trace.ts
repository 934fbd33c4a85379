// The seed's `verbose` trace: one batch through the network in inference mode, every block in execution
// order with its output shape for one sample (channels first), the milliseconds it took and its statistics.
import { probeOutputs, type Model } from '../runtime';
import { tensorStats, type TensorStats } from './stats';

export interface TraceRow {
  path: string;
  type: string;
  shape: number[];
  ms: number;
  stats: TensorStats;
}

export async function traceModel(
  model: Model,
  input: Float32Array,
  n: number,
): Promise<{ batch: number; blocks: TraceRow[]; totalMs: number }> {
  const outs = await probeOutputs(model, input, n, undefined, true);
  const blocks: TraceRow[] = [];
  for (const b of model.net.blocks) {
    const o = outs.get(b.path);
    if (!o || b.path === '') continue;
    blocks.push({ path: b.path, type: b.type, shape: o.shape.slice(1), ms: o.ms ?? 0, stats: tensorStats(o.data) });
  }
  return { batch: n, blocks, totalMs: outs.get('')?.ms ?? blocks.reduce((a, r) => a + r.ms, 0) };
}
