// Snapshots of watched blocks: outputs on the probe batch (inference mode, only the watched paths kept) and
// the parameters they use, with the last step's gradients and update ratios from the step itself.
import type { InferResult } from '../core';
import type { StepNorms } from '../runtime';
import type { ModelAccess } from './access';
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
 * Takes a snapshot now, in one request to the model (one round trip to a torch runner). `last` is the last
 * step's norms (update ratios); without it (before any step) parameters carry weights only.
 */
export async function takeSnapshot(
  access: ModelAccess,
  probe: ProbeBatch,
  watch: WatchSpec,
  step: number,
  last: StepNorms | null,
): Promise<Snapshot> {
  const net = access.net;
  const wantA = watch.kinds.includes('activation') && watch.blocks.length > 0,
    wantW = watch.kinds.includes('weight'),
    wantG = watch.kinds.includes('gradient');
  const list = wantW || wantG ? watchedParams(net, watch.blocks) : [];
  const names = list.map((p) => p.info.name);
  const got = await access.inspect({
    input: probe.input,
    shape: probe.shape,
    paths: wantA ? watch.blocks : [],
    values: names,
    grads: wantG && last ? names : [],
  });
  const blocks: ActivationSnapshot[] = [];
  for (const path of wantA ? watch.blocks : []) {
    const o = got.outputs.get(path);
    if (o) blocks.push(summarizeActivation(path, o.shape, o.data, watch.maxValues));
  }
  const params: ParamSnapshot[] = [];
  for (const { block, info } of list) {
    const w = got.values.get(info.name)!;
    const i = last ? last.names.indexOf(info.name) : -1;
    const g = got.grads.get(info.name);
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
  return { step: got.step ?? step, probe, blocks, params };
}
