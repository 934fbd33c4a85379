// The torch backend's rows of `npm run bench`, interleaved with the plain PyTorch loop (reference.py) on the same
// net: a warm-up epoch, then for each repeat one reference run and one epoch of the torch backend (the runner in its
// Python process, events streamed, controls read), so both meet the machine's same minutes. The run is held paused
// (`step 8`, whenHeld) while the reference measures, and the runner's `trainSeconds` leaves paused time out: it is
// the wall clock over its batch loop (data, steps, controls, events), not the evaluation. Both sides do the same
// work: the same network, batch, optimizer (SGD lr 0.01, momentum 0.9), loss, threads and BLAS, with
// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset; `same` says so in the bench's output.
import { TorchTrainer } from '../host/torch-run';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, type TrainEvent } from '../train';
import { benchThreads, fairBlasEnv, runReference } from './reference';

const BATCHES = 8; // per epoch: batch × 8 samples

export interface TorchPair {
  /** images/s per repeat of reference.py and of the torch backend, measured alternately. */
  reference: number[];
  backend: number[];
  blas: string;
  device: string;
  /** What both sides ran, in words (the bench prints it). */
  same: string;
  /** Seconds per phase summed over the measured epochs (--profile). */
  profile?: Record<string, number>;
}

/** The plain PyTorch loop and the torch backend on `net`, interleaved; or why either could not run. */
export async function measureTorchPair(
  doc: unknown,
  net: string,
  batch: number,
  repeats: number,
  { device, profile = false }: { device?: string; profile?: boolean } = {},
): Promise<TorchPair | { skipped: string }> {
  const probe = await probeTorch();
  if (!probe.ok) return { skipped: probe.reason };
  const threads = benchThreads();
  const saved = process.env;
  process.env = fairBlasEnv(); // TorchTrainer hands the runner this process's environment
  const session = await openSession({ doc, limit: batch * BATCHES, validationSplit: 0 });
  const optimizer = { type: 'sgd' as const, lr: 0.01, momentum: 0.9 };
  // One epoch more than measured: the run must still be paused, not done, after the last measured epoch.
  const cfg = { epochs: repeats + 2, batchSize: batch, optimizer, startPaused: true };
  const t = new TorchTrainer(session, cfg, probe, { device, threads, profile });
  const out: TorchPair = { reference: [], backend: [], blas: '', device: '', same: '' };
  let seconds = 0;
  let threadsUsed = 0;
  t.on((e: TrainEvent) => {
    const m = e as TrainEvent & Record<string, unknown>;
    if (e.event === 'start') {
      [out.blas, out.device, threadsUsed] = [String(m.blas), `${m.device} (${m.deviceName})`, Number(m.threads)];
    }
    if (e.event === 'epoch') {
      seconds = Number(m.trainSeconds);
      const p = m.profile as Record<string, number> | undefined;
      if (p && e.epoch > 0)
        for (const [k, v] of Object.entries(p)) (out.profile ??= {})[k] = (out.profile?.[k] ?? 0) + v;
    }
  });
  const finished = t.run();
  try {
    await t.whenHeld();
    const epoch = async () => {
      t.step(BATCHES);
      await t.whenHeld();
      if (t.state !== 'paused') throw new Error(`the torch run ended early (${t.state})`);
      return (batch * BATCHES) / seconds;
    };
    await epoch(); // warm-up: the first batches allocate and tune
    for (let r = 0; r < repeats; r++) {
      const ref = runReference([net], batch, 1, threads);
      if ('skipped' in ref) return ref as { skipped: string };
      out.reference.push(...ref[net]);
      out.backend.push(await epoch());
    }
    out.same =
      `${net}, batch ${batch}, SGD lr 0.01 momentum 0.9, softmax cross-entropy, ${threads} threads ` +
      `(runner: ${threadsUsed}), BLAS ${out.blas}, OPENBLAS_CORETYPE/L2_SIZE unset`;
    t.stop();
    await finished;
    return out;
  } catch (e) {
    return { skipped: (e as Error).message };
  } finally {
    process.env = saved;
    t.stop();
    await finished.catch(() => {});
    t.dispose();
    session.model.dispose();
  }
}
