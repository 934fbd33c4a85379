// `npm run bench`: training throughput of the product's own engine (templates compiled by engine/runtime,
// real Fashion-MNIST batches) on every backend present, side by side with the same networks in PyTorch.
//   npm run bench -- [--nets mlp,lenet,resnet18] [--backends wasm,cpu] [--repeats 5] [--batch 256] [--out file]
//                    [--profile]   (per-kernel time per step, to see what dominates before optimizing)
//                    [--phases [--sources]]   (only: a step's time by phase, and its kernels; step-phases.ts)
//                    [--device cpu|cuda|mps]   (the torch backend's device; default: its own choice)
//                    [--workers W]   (also 1 vs W data-parallel workers on wasm, interleaved; workers.ts)
// The plain PyTorch loop (reference.py) alternates repeat by repeat with the first tfjs backend measured on each
// net, and, separately, with the torch backend (its Python runner): each ratio compares the same minutes.
// Writes JSON (min/median/max images/s per net and backend, and our/PyTorch ratios) and prints a table.
import fs from 'node:fs';
import path from 'node:path';
import { loadTemplate } from '../../templates';
import { backendNames, selectBackend } from '../runtime';
import { benchStepper } from './stepper';
import { parseArgs } from '../cli/args';
import { installKernelProfiler, kernelProfileReport, resetKernelProfile } from './kernel-profile';
import { runReference } from './reference';
import { measureTorchPair } from './torch-backend';
import { measureWorkers, workersRow, WORKERS_HEADER, type WorkersCase } from './workers';
import { measureDebugOverhead, type DebugOverhead } from './debug-overhead';

interface Stat {
  min: number;
  median: number;
  max: number;
  runs: number[];
}
const stat = (runs: number[]): Stat => {
  const s = [...runs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1], runs };
};

/** The benchmark networks: templates, ResNet-18 at Fashion-MNIST's own 28×28. */
const NETS: Record<string, () => unknown> = {
  mlp: () => loadTemplate('mlp'),
  lenet: () => loadTemplate('lenet'),
  resnet18: () => ({ ...(loadTemplate('resnet18') as object), input: { shape: [1, 28, 28] } }),
};

/** `between` runs after each repeat: the PyTorch reference's repeat, so both sides meet the same minutes. */
async function measure(
  net: string,
  batch: number,
  repeats: number,
  profile: boolean,
  between?: () => void,
): Promise<Stat> {
  const { step, dispose } = await benchStepper(NETS[net](), batch);
  const t0 = performance.now();
  await step();
  await step(); // warm-up: kernel compilation, buffer pools
  const warm = (performance.now() - t0) / 2;
  // Aim for ~2 s per repeat, at least one step.
  const steps = Math.max(1, Math.round(2000 / warm));
  const runs: number[] = [];
  if (profile) resetKernelProfile();
  for (let r = 0; r < repeats; r++) {
    const s0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    runs.push((steps * batch) / ((performance.now() - s0) / 1000));
    between?.();
  }
  if (profile) process.stderr.write(`${net}:\n${kernelProfileReport(steps * repeats)}\n`);
  dispose();
  return stat(runs);
}

async function main() {
  const p = parseArgs(process.argv.slice(2), ['profile', 'phases', 'sources']);
  const nets = String(p.flags.nets ?? 'mlp,lenet,resnet18').split(',');
  const batch = Number(p.flags.batch ?? 256),
    repeats = Number(p.flags.repeats ?? 5);
  const wanted = typeof p.flags.backends === 'string' ? p.flags.backends.split(',') : backendNames();
  if (p.flags.phases) {
    const { measurePhases } = await import('./step-phases');
    const chosen = Object.fromEntries(nets.map((n) => [n, NETS[n]()]));
    await measurePhases(
      chosen,
      wanted.filter((w) => w !== 'torch'),
      batch,
      repeats,
      p.flags.sources === true,
    );
    process.exit(0);
  }
  const results: Record<string, Record<string, Stat>> = {};
  const backends: Record<string, string> = {};
  const torchRuns: Record<string, Stat> = {}; // PyTorch, interleaved with the first tfjs backend
  const torchPairRef: Record<string, Stat> = {}; // PyTorch, interleaved with the torch backend
  let torchSkipped: string | undefined;
  const torchBackend: Record<string, Stat> = {};
  // Visual debugging's streaming budget (LeNet, conv1 watched + health vs headless), on each tfjs backend.
  const debugOverhead: Record<string, DebugOverhead> = {};
  for (const name of wanted.filter((w) => w !== 'torch')) {
    try {
      const choice = await selectBackend(name);
      backends[name] = choice.reason;
      if (p.flags.profile) installKernelProfiler(name);
    } catch (e) {
      process.stderr.write(`skip ${name}: ${(e as Error).message.split('\n')[0]}\n`);
      continue;
    }
    results[name] = {};
    if (nets.includes('lenet') && name !== 'cpu') {
      debugOverhead[name] = await measureDebugOverhead(batch, repeats);
      process.stderr.write(`${name} lenet watched/headless: ${debugOverhead[name].ratio}\n`);
    }
    for (const net of nets) {
      // The pure-JS cpu backend needs over ten minutes per ResNet-18 step (measured): left out there.
      if (name === 'cpu' && net === 'resnet18') continue;
      // The first backend measured on a net alternates with the PyTorch loop repeat by repeat (this machine's
      // speed drifts ±2× over minutes: only the same minutes make a ratio).
      const interleave = !torchRuns[net] && !torchSkipped;
      const reference: number[] = [];
      results[name][net] = await measure(
        net,
        batch,
        name === 'cpu' ? Math.min(repeats, 3) : repeats,
        p.flags.profile === true,
        interleave
          ? () => {
              const r = torchSkipped ? null : runReference([net], batch, 1);
              if (r && 'skipped' in r) torchSkipped = r.skipped as string;
              else if (r) reference.push(...r[net]);
            }
          : undefined,
      );
      process.stderr.write(`${name} ${net}: median ${results[name][net].median.toFixed(0)} img/s\n`);
      if (interleave && reference.length) torchRuns[net] = stat(reference);
      if (interleave && !torchSkipped) {
        // With the torch backend: it and the PyTorch loop alternate repeat by repeat (torch-backend.ts).
        const device = p.flags.device as string | undefined;
        const tb = wanted.includes('torch')
          ? await measureTorchPair(NETS[net](), net, batch, repeats, { device, profile: p.flags.profile === true })
          : null;
        if (tb && 'skipped' in tb) process.stderr.write(`skip torch ${net}: ${tb.skipped}\n`);
        if (tb && !('skipped' in tb)) {
          torchPairRef[net] = stat(tb.reference);
          torchBackend[net] = stat(tb.backend);
          backends.torch = `torch backend on ${tb.device}, BLAS ${tb.blas}`;
          const ratio = torchBackend[net].median / torchPairRef[net].median;
          process.stderr.write(
            `torch ${net}: median ${torchBackend[net].median.toFixed(0)} img/s, PyTorch ${torchPairRef[net].median.toFixed(0)}` +
              ` (interleaved), ${ratio.toFixed(2)}x; same work: ${tb.same}\n`,
          );
          if (tb.profile) process.stderr.write(`torch ${net} seconds by phase: ${JSON.stringify(tb.profile)}\n`);
        }
      }
    }
  }
  if (Object.keys(torchBackend).length) results.torch = torchBackend;
  if (wanted.includes('torch') && nets.includes('lenet')) {
    const o = await (await import('./torch-debug-overhead')).measureTorchDebugOverhead(batch, repeats);
    if ('skipped' in o) process.stderr.write(`skip torch lenet watched/headless: ${o.skipped}\n`);
    else {
      debugOverhead.torch = o;
      process.stderr.write(`torch lenet watched/headless: ${o.ratio} (CPU per image: ${o.cpuRatio})\n`);
    }
  }
  const workers: Record<string, WorkersCase> = {};
  if (p.flags.workers !== undefined) {
    const w = Number(p.flags.workers);
    await selectBackend('wasm', { threads: 1 }); // one thread per rank: W workers use W cores
    for (const net of nets) {
      workers[net] = await measureWorkers(NETS[net](), w, batch, repeats);
      const c = workers[net];
      process.stderr.write(
        `wasm ${net}: ${w} workers / 1 = ${c.scaling} (${w} whole batches: ${c.wholeScaling}; CPU split ` +
          `${JSON.stringify(c.cpuSplit)}); CPU/wall ${c.cpuPerWall.one} → ${c.cpuPerWall.many}; ` +
          `per step (ms) ${JSON.stringify(c.perStepMs)} engine ${JSON.stringify(c.engineMs)}\n`,
      );
    }
  }
  const torch = torchSkipped ? { skipped: torchSkipped } : torchRuns;
  const ratios: Record<string, Record<string, number>> = {};
  if (!('skipped' in torch)) {
    for (const [be, byNet] of Object.entries(results)) {
      const ref = be === 'torch' ? torchPairRef : torch;
      ratios[be] = Object.fromEntries(
        nets.filter((n) => byNet[n] && ref[n]).map((n) => [n, +(byNet[n].median / ref[n].median).toFixed(3)]),
      );
    }
  }
  const report = {
    date: new Date().toISOString(),
    machine: `${process.platform}-${process.arch}`,
    batch,
    backends,
    netloom: results,
    pytorch: torch,
    pytorchWithTorchBackend: torchPairRef,
    ratios,
    workers,
    debugOverhead,
  };
  const out = typeof p.flags.out === 'string' ? p.flags.out : path.join('bench', 'results', 'bench.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  const rows = [
    `| network | ${Object.keys(results)
      .map((b) => `netloom ${b} img/s (min/median/max)`)
      .join(' | ')} | PyTorch img/s | ${Object.keys(results)
      .map((b) => `${b}/PyTorch`)
      .join(' | ')} |`,
  ];
  rows.push(`|${'---|'.repeat(2 + 2 * Object.keys(results).length)}`);
  const f = (s: Stat) => `${s.min.toFixed(0)} / **${s.median.toFixed(0)}** / ${s.max.toFixed(0)}`;
  for (const n of nets) {
    const t = 'skipped' in torch ? null : torch[n];
    rows.push(
      `| ${n} | ${Object.values(results)
        .map((r) => (r[n] ? f(r[n]) : 'not run'))
        .join(' | ')} | ${t ? f(t) : 'n/a'} | ${Object.keys(results)
        .map((b) => (ratios[b]?.[n] !== undefined ? ratios[b][n].toFixed(2) : 'n/a'))
        .join(' | ')} |`,
    );
  }
  console.log(rows.join('\n'));
  if (Object.keys(workers).length) {
    console.log(`\n${WORKERS_HEADER}`);
    for (const [net, c] of Object.entries(workers)) console.log(workersRow(net, c));
  }
  console.log(`\nwritten to ${out}`);
  process.exit(0);
}

await main();
