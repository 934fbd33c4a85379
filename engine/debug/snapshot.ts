// Snapshots of watched blocks: outputs on the probe batch (inference mode, only the watched paths kept) and
// the parameters they use, with the last step's gradients and update ratios from the step itself.
import type { InferResult } from '../core';
import { paramValues, probeOutputs, type Model, type StepNorms } from '../runtime';
import { blockAt, paramsOfBlock } from './blocks';
import {
  activationStats,
  histogram,
  subsample,
  tensorStats,
  type ChannelStats,
  type Histogram,
  type TensorStats,
} from './stats';

/** The probe batch: samples in N·C·H·W order with their labels. */
export interface ProbeBatch {
  split: 'train' | 'test';
  indices: Int32Array;
  labels: Int32Array;
  input: Float32Array;
  /** (N, C, H, W) or (N, F). */
  shape: number[];
}

export type WatchKind = 'activation' | 'gradient' | 'weight' | 'health';

export interface WatchSpec {
  blocks: string[];
  kinds: readonly WatchKind[];
  maxValues: number;
}

export interface ActivationSnapshot {
  path: string;
  shape: number[];
  data: Float32Array;
  dataShape: number[];
  stride: number;
  stats: TensorStats;
  channels: ChannelStats;
}

export interface ParamSnapshot {
  name: string;
  block: string;
  owner: string;
  shape: number[];
  weight: { stats: TensorStats; histogram: Histogram };
  grad?: { stats: TensorStats; histogram: Histogram };
  updateRatio?: number;
}

export interface Snapshot {
  step: number;
  probe: ProbeBatch;
  blocks: ActivationSnapshot[];
  params: ParamSnapshot[];
}

/** Every watched path must exist (throws UnknownBlockError naming the first that does not). */
export function checkPaths(net: InferResult, paths: readonly string[]): void {
  for (const p of paths) blockAt(net, p);
}

/** One activation's summary: whole-tensor and per-channel statistics, and the subsample that travels. */
export function summarizeActivation(path: string, shape: number[], data: Float32Array, maxValues: number) {
  return {
    path,
    shape,
    ...subsample(data, shape, maxValues),
    ...activationStats(data, shape),
  };
}

/** Gluon names of the parameters the watch's blocks use, once each, with the block that asked. */
export function watchedParams(net: InferResult, blocks: readonly string[]) {
  const seen = new Map<string, { block: string; info: InferResult['parameters'][number] }>();
  for (const b of blocks)
    for (const p of paramsOfBlock(net, b)) if (!seen.has(p.name)) seen.set(p.name, { block: b, info: p });
  return [...seen.values()];
}

/**
 * Takes a snapshot now. `last` is the last step's norms (and the gradients captured for watched parameters);
 * without it (before any step) parameters carry weights only.
 */
export async function takeSnapshot(
  model: Model,
  probe: ProbeBatch,
  watch: WatchSpec,
  step: number,
  last: StepNorms | null,
): Promise<Snapshot> {
  const net = model.net;
  const blocks: ActivationSnapshot[] = [];
  if (watch.kinds.includes('activation') && watch.blocks.length) {
    const outs = await probeOutputs(model, probe.input, probe.shape[0], watch.blocks);
    for (const path of watch.blocks) {
      const o = outs.get(path);
      if (o) blocks.push(summarizeActivation(path, o.shape, o.data, watch.maxValues));
    }
  }
  const params: ParamSnapshot[] = [];
  const wantW = watch.kinds.includes('weight'),
    wantG = watch.kinds.includes('gradient');
  if (wantW || wantG) {
    const list = watchedParams(net, watch.blocks);
    const values = await paramValues(
      model,
      list.map((p) => p.info.name),
    );
    for (const { block, info } of list) {
      const w = values.get(info.name)!;
      const i = last ? last.names.indexOf(info.name) : -1;
      const g = last?.grads.get(info.name);
      params.push({
        name: info.name,
        block,
        owner: info.owner,
        shape: info.shape,
        weight: { stats: tensorStats(w), histogram: histogram(w) },
        ...(wantG && g ? { grad: { stats: tensorStats(g), histogram: histogram(g) } } : {}),
        // A diverged step's ratio (NaN, ∞) is left out: JSON cannot carry it; the weight's nonFinite flags it.
        ...(i >= 0 && Number.isFinite(last!.updateRatio[i]) ? { updateRatio: last!.updateRatio[i] } : {}),
      });
    }
  }
  return { step, probe, blocks, params };
}
