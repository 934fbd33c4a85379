// The streaming budget of visual debugging on the torch backend: LeNet epochs of one TorchTrainer, alternately
// headless and with the editor's two subscriptions open (debug-overhead.ts's `editorWatches`: conv1 activations,
// weights, gradients at 4 Hz; every layer's norms at 10 Hz), so both meet the machine's same minutes. Images/s from
// the runner's `trainSeconds` (its batch loop: steps, controls, inspections, events; not the evaluation, not the
// time held paused between epochs); CPU time per image of this process plus the runner's (/proc, Linux).
import fs from 'node:fs';
import { loadTemplate } from '../../templates';
import { RunMonitor } from '../debug';
import { probeBatch } from '../host/debug-data';
import { TorchAccess } from '../host/torch-debug';
import { TorchTrainer } from '../host/torch-run';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, type TrainEvent } from '../train';
import { editorWatches, overheadOf, type DebugOverhead } from './debug-overhead';
import { benchThreads } from './reference';

const BATCHES = 16; // per epoch

/** CPU seconds a process has used (utime + stime from /proc/PID/stat); 0 where /proc is not there. */
function procCpu(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15, in clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return 0;
  }
}

export async function measureTorchDebugOverhead(
  batch: number,
  repeats: number,
  block = 'conv1',
): Promise<DebugOverhead | { skipped: string }> {
  const probe = await probeTorch();
  if (!probe.ok) return { skipped: probe.reason };
  const session = await openSession({ doc: loadTemplate('lenet'), limit: batch * BATCHES, validationSplit: 0 });
  const optimizer = { type: 'sgd' as const, lr: 0.01, momentum: 0.9 };
  const t = new TorchTrainer(
    session,
    { epochs: 2 * repeats + 3, batchSize: batch, optimizer, startPaused: true },
    probe,
    { threads: benchThreads() },
  );
  let seconds = 0;
  t.on((e: TrainEvent) => {
    if (e.event === 'epoch') seconds = Number((e as unknown as { trainSeconds: number }).trainSeconds);
  });
  const pb = probeBatch(session.data);
  let snapshots = 0;
  const watches = editorWatches(session.net, pb, block, () => snapshots++);
  const cpu: Record<'headless' | 'watched', number[]> = { headless: [], watched: [] };
  const finished = t.run();
  try {
    await t.whenHeld();
    const epoch = async (watched: boolean) => {
      const monitor = watched
        ? new RunMonitor(new TorchAccess(t, session), { probe: pb, watches: () => watches, onAnomaly: () => {} })
        : null;
      const c0 = process.cpuUsage(),
        r0 = procCpu(t.pid);
      t.step(BATCHES);
      await t.whenHeld();
      monitor?.dispose();
      const c = process.cpuUsage(c0);
      cpu[watched ? 'watched' : 'headless'].push(((c.user + c.system) / 1e6 + procCpu(t.pid) - r0) / (batch * BATCHES));
      if (t.state !== 'paused') throw new Error(`the torch run ended early (${t.state})`);
      return (batch * BATCHES) / seconds;
    };
    await epoch(false);
    await epoch(true); // warm-up
    cpu.headless = [];
    cpu.watched = [];
    const headless: number[] = [],
      watched: number[] = [];
    for (let r = 0; r < repeats; r++) {
      headless.push(await epoch(false));
      watched.push(await epoch(true));
    }
    return overheadOf({ headless, watched }, cpu, snapshots);
  } catch (e) {
    return { skipped: (e as Error).message };
  } finally {
    t.stop();
    await finished.catch(() => {});
    t.dispose();
    session.model.dispose();
  }
}
