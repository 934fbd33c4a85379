// Kernel/backend benchmark: raw-tfjs LeNet and ResNet-18 SGD steps (batch 256, random data) on wasm and cpu,
// optionally against PyTorch (reference.py). Each backend runs in its own child process so one backend's
// threads and memory don't disturb another's numbers. The machine may be shared: we report min/median/max.
//
//   npx tsx engine/bench/kernels-bench.ts [--backends wasm,cpu] [--nets lenet,resnet18] [--repeats 5]
//        [--steps N] [--threads N] [--plain] [--torch] [--json] [--profile]
// --plain: plain tfjs ops instead of the fused ones; --profile: per-kernel ms/step (to stderr).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../runtime/backends/tf';
import { selectBackend } from '../runtime/backends/registry';
import { lenet, resnet18, sgdStep, type BenchNet } from './bench-nets';
import { installKernelProfiler, kernelProfileReport, resetKernelProfile } from './kernel-profile';
import { runReference } from './reference';

const BATCH = 256;

interface Row {
  impl: string;
  net: string;
  batch: number;
  imgPerSec: { min: number; median: number; max: number };
  note?: string;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : dflt;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

/** Child mode: one backend, all nets; prints one JSON line per net. */
async function child(backend: string): Promise<void> {
  const threads = Number(arg('threads', '0')) || undefined;
  const choice = await selectBackend(backend, { threads });
  const fused = !flag('plain');
  if (flag('profile')) installKernelProfiler(backend);
  const repeats = Number(arg('repeats', '5'));
  for (const name of arg('nets', 'lenet,resnet18').split(',')) {
    const net: BenchNet = name === 'lenet' ? lenet({ fused }) : resnet18({ fused });
    // fewer steps per repeat where a step is slow, so a cpu run still ends in minutes
    const slow = backend === 'cpu' ? 8 : 1;
    const steps = Number(arg('steps', String(Math.max(1, Math.round((name === 'lenet' ? 10 : 3) / slow)))));
    const x = tf.randomNormal([BATCH, ...net.inputShape]) as tf.Tensor4D;
    const y = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32') as tf.Tensor1D, 10) as tf.Tensor2D;
    await sgdStep(net, x, y, 0.01); // warm-up: operator creation, first-touch allocations
    const before = tf.memory().numTensors;
    resetKernelProfile();
    const rates: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) await sgdStep(net, x, y, 0.01);
      rates.push((steps * BATCH) / ((performance.now() - t0) / 1000));
    }
    const leak = tf.memory().numTensors - before;
    const row: Row = { impl: `tfjs-${backend}${fused ? '' : '-plain'}`, net: name, batch: BATCH, imgPerSec: stats(rates),
      note: `${choice.reason}${leak ? `; LEAK ${leak} tensors` : ''}` };
    console.log(JSON.stringify(row));
    if (flag('profile')) process.stderr.write(`${row.impl} ${name}\n${kernelProfileReport(steps * repeats)}\n`);
    tf.dispose([x, y, ...net.vars]);
  }
}

function runChild(cmd: string, args: string[]): Row[] {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', flag('profile') ? 'inherit' : 'pipe'] });
  if (r.status !== 0) {
    // Emscripten rethrows errors from its own frame, so stderr can hold a megabyte-long source line: clip it.
    const err = (r.stderr ?? '').split('\n').map((l) => l.slice(0, 300)).slice(-25).join('\n');
    process.stderr.write(`${path.basename(args.find((a) => /\.(ts|py)$/.test(a)) ?? cmd)} ${args.filter((a) => a.startsWith('--')).join(' ')} failed:\n${err}\n`);
    return [];
  }
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
}

async function main(): Promise<void> {
  const childBackend = arg('child', '');
  if (childBackend) {
    await child(childBackend);
    process.exit(0); // wasm's pthread workers would keep the process alive
  }
  const passthrough = ['nets', 'repeats', 'steps', 'threads'].flatMap((k) => (arg(k, '') ? [`--${k}`, arg(k, '')] : []));
  for (const f of ['plain', 'profile']) if (flag(f)) passthrough.push(`--${f}`);
  const rows: Row[] = [];
  for (const b of arg('backends', 'wasm,cpu').split(',')) {
    rows.push(...runChild(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', b, ...passthrough]));
  }
  if (flag('torch')) {
    const ref = runReference(arg('nets', 'lenet,resnet18').split(','), BATCH, Number(arg('repeats', '5')));
    if ('skipped' in ref) process.stderr.write(`PyTorch skipped: ${ref.skipped}\n`);
    else for (const [net, runs] of Object.entries(ref)) rows.push({ impl: 'pytorch', net, batch: BATCH, imgPerSec: stats(runs as number[]) } as Row);
  }
  if (flag('json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log('impl'.padEnd(18), 'net'.padEnd(9), 'img/s min / median / max');
  for (const r of rows) {
    const f = (v: number) => v.toFixed(0).padStart(6);
    console.log(r.impl.padEnd(18), r.net.padEnd(9), `${f(r.imgPerSec.min)} / ${f(r.imgPerSec.median)} / ${f(r.imgPerSec.max)}`,
      r.note ? ` ${r.note}` : '');
  }
}

await main();
