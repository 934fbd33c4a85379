// The speed probe behind the automatic backend choice (issue 13): a few training steps of one small fixed conv
// net (LeNet's shape: conv 20@5×5, pool, conv 50@3×3, pool, dense 128, dense 10) at batch 64 on random data, on
// each CPU backend present, and the pure rule that turns what is known into a choice with its reason. The engine
// host caches the figures (engine/host/backend-choice.ts); nothing here touches the disk.
import { spawn } from 'node:child_process';
import { inferNetwork } from '../../core';
import { Model } from '../model';
import { Optimizer } from '../optim';
import { trainStep } from '../step';
import { initEngineBackend } from './registry';

export const PROBE_BATCH = 64;
/** Bumped when the probe's network or method changes, so figures measured the old way are measured again. */
export const PROBE_VERSION = 1;

/** The probe network as a document (IR), so the tfjs backends compile it like any network. */
export const PROBE_DOC = {
  format: 'netloom/network',
  version: 1,
  name: 'probe',
  input: { shape: [1, 28, 28] },
  root: {
    kind: 'sequential',
    id: 'net',
    children: [
      { kind: 'layer', id: 'conv1', type: 'Conv2D', params: { channels: 20, kernelSize: 5, activation: 'relu' } },
      { kind: 'layer', id: 'pool1', type: 'MaxPool2D', params: { poolSize: 2, strides: 2 } },
      { kind: 'layer', id: 'conv2', type: 'Conv2D', params: { channels: 50, kernelSize: 3, activation: 'relu' } },
      { kind: 'layer', id: 'pool2', type: 'MaxPool2D', params: { poolSize: 2, strides: 2 } },
      { kind: 'layer', id: 'flatten', type: 'Flatten' },
      { kind: 'layer', id: 'dense1', type: 'Dense', params: { units: 128, activation: 'relu' } },
      { kind: 'layer', id: 'dense2', type: 'Dense', params: { units: 10 } },
    ],
  },
};

/** The same network in PyTorch (NCHW: 28 → 24 → 12 → 10 → 5, 50·5·5 = 1250 features). */
const TORCH_PROBE = (batch: number, budgetMs: number) => `import json, time, torch
from torch import nn
torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 3), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1250, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
x = torch.randn(${batch}, 1, 28, 28)
y = torch.randint(0, 10, (${batch},))
def step():
    opt.zero_grad()
    loss = nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss.item()
for _ in range(2): step()
n, t0 = 0, time.perf_counter()
while n < 3 or (time.perf_counter() - t0) * 1000 < ${budgetMs}:
    step(); n += 1
print(json.dumps({"imagesPerSec": n * ${batch} / (time.perf_counter() - t0), "threads": torch.get_num_threads()}))`;

export interface ProbeFigure {
  name: string;
  /** Training images per second on the probe network (absent when the probe failed). */
  imagesPerSec?: number;
  /** Why there is no figure: the backend failed to start or to train. */
  error?: string;
}

export interface ProbeOptions {
  /** How long to keep stepping after two warm-up steps (at least 3 steps are always taken). Default 1000 ms. */
  budgetMs?: number;
}

/**
 * Trains the probe network on a tfjs backend of the registry for about `budgetMs` and returns images/s. It
 * activates that backend (initEngineBackend): call it before a run, never during one.
 */
export async function probeTfjs(name: string, { budgetMs = 1000 }: ProbeOptions = {}): Promise<ProbeFigure> {
  let model: Model | undefined;
  let opt: Optimizer | undefined;
  try {
    await initEngineBackend(name);
    model = new Model(inferNetwork(PROBE_DOC), 0);
    opt = new Optimizer({ type: 'sgd', lr: 0.01, momentum: 0.9 });
    const x = new Float32Array(PROBE_BATCH * 28 * 28).map((_, i) => Math.sin(i * 12.9898) * 0.5);
    const y = Int32Array.from({ length: PROBE_BATCH }, (_, i) => i % 10);
    for (let i = 0; i < 2; i++) await trainStep(model, opt, x, y, PROBE_BATCH);
    let n = 0;
    const t0 = performance.now();
    while (n < 3 || performance.now() - t0 < budgetMs) {
      await trainStep(model, opt, x, y, PROBE_BATCH);
      n++;
    }
    return { name, imagesPerSec: (n * PROBE_BATCH) / ((performance.now() - t0) / 1000) };
  } catch (e) {
    return { name, error: (e as Error).message.split('\n')[0] };
  } finally {
    opt?.dispose();
    model?.dispose();
  }
}

/** The same probe in PyTorch on the CPU, in `python` (the interpreter the torch backend would run). */
export function probeTorchCpu(python: string, { budgetMs = 1000 }: ProbeOptions = {}): Promise<ProbeFigure> {
  return new Promise((resolve) => {
    let out = '',
      err = '';
    const child = spawn(python, ['-c', TORCH_PROBE(PROBE_BATCH, budgetMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The CPU figure: a GPU must not serve it (a GPU torch is chosen before any CPU backend anyway).
      env: { ...process.env, CUDA_VISIBLE_DEVICES: '' },
    });
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => resolve({ name: 'torch', error: `${python}: ${e.message}` }));
    child.on('close', (code) => {
      try {
        const r = JSON.parse(out.trim().split('\n').pop() ?? '') as { imagesPerSec: number };
        if (r.imagesPerSec > 0) return resolve({ name: 'torch', imagesPerSec: r.imagesPerSec });
      } catch {
        // fall through: the last line of stderr says why
      }
      const last = err.trim().split('\n').pop() || `exit code ${code}`;
      resolve({ name: 'torch', error: `the torch probe failed: ${last}` });
    });
  });
}

/** What the choice knows about one backend, in the registry's order (best first). */
export interface BackendFacts {
  name: string;
  available: boolean;
  /** Its availability reason ("torch 1.13.0 (/usr/bin/python3), CPU only"). */
  reason: string;
  /** It trains on a GPU here (torch with CUDA or MPS; tfjs-node-gpu when it loads). */
  gpu?: boolean;
  /** The probe's figure on the CPU, when measured. */
  imagesPerSec?: number;
}

export interface AutomaticChoice {
  name: string;
  /** For the user: "fastest CPU backend in the probe: 1.8× wasm (2,400 vs 1,333 images/s)". */
  reason: string;
}

/** GPUs first, in this order: torch (CUDA, MPS), then tfjs-node-gpu (libtensorflow's CUDA 11.2 only). */
export const GPU_ORDER = ['torch', 'tensorflow-gpu'] as const;
/** Never chosen for speed: pure JavaScript (a last resort only). */
const NOT_PROBED = new Set(['cpu']);

const rate = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * The automatic choice, a pure function of what is known: a working GPU first (GPU_ORDER), then the fastest
 * CPU backend the probe measured, then (nothing measured: the probe is off or failed everywhere) the first
 * available CPU backend in the registry's order. Throws when nothing at all is available.
 */
export function chooseBackend(facts: readonly BackendFacts[], unmeasured = 'not measured'): AutomaticChoice {
  for (const g of GPU_ORDER) {
    const f = facts.find((b) => b.name === g && b.available && b.gpu);
    if (f) return { name: f.name, reason: `a GPU: ${f.reason}` };
  }
  const cpu = facts.filter((b) => b.available && !(b.gpu && b.name === 'tensorflow-gpu'));
  const measured = cpu.filter((b) => (b.imagesPerSec ?? 0) > 0).sort((a, b) => b.imagesPerSec! - a.imagesPerSec!);
  if (measured.length >= 2) {
    const [best, next] = measured;
    const ratio = (best.imagesPerSec! / next.imagesPerSec!).toFixed(1);
    return {
      name: best.name,
      reason: `fastest CPU backend in the probe: ${ratio}× ${next.name} (${rate(best.imagesPerSec!)} vs ${rate(next.imagesPerSec!)} images/s)`,
    };
  }
  if (measured.length === 1)
    return {
      name: measured[0].name,
      reason: `fastest CPU backend in the probe: the only one measured (${rate(measured[0].imagesPerSec!)} images/s)`,
    };
  const first = cpu.find((b) => !NOT_PROBED.has(b.name) && b.name !== 'torch') ?? cpu[0];
  if (!first) throw new Error(`no backend is available: ${facts.map((f) => `${f.name}: ${f.reason}`).join('; ')}`);
  return { name: first.name, reason: `the first CPU backend available (${unmeasured}): ${first.reason}` };
}

/** The CPU backends worth probing among the available ones (never the pure-JS one; never a GPU-only build). */
export const probeable = (facts: readonly BackendFacts[]) =>
  facts.filter((f) => f.available && !NOT_PROBED.has(f.name) && f.name !== 'tensorflow-gpu').map((f) => f.name);
