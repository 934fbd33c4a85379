// The torch backend's rows of `npm run bench`: the same networks trained by Netloom's torch backend (the runner
// in its Python process, events streamed, controls polled), timed per epoch of `batch × 8` samples by the runner's
// own wall clock over its batch loop (`trainSeconds`: data, steps, controls and events, not the evaluation).
// The first epoch is the warm-up. Runs with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset, as the PyTorch reference.
import { TorchTrainer } from '../host/torch-run';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, type TrainEvent } from '../train';
import { fairBlasEnv } from './reference';

/** images/s per repeat, or why the torch backend could not run. */
export async function measureTorchBackend(
  doc: unknown,
  batch: number,
  repeats: number,
  device?: string,
): Promise<{ runs: number[]; blas: string; device: string } | { skipped: string }> {
  const probe = await probeTorch();
  if (!probe.ok) return { skipped: probe.reason };
  const saved = process.env;
  process.env = fairBlasEnv(); // TorchTrainer hands the runner this process's environment
  const session = await openSession({ doc, limit: batch * 8, validationSplit: 0 });
  const t = new TorchTrainer(
    session,
    { epochs: repeats + 1, batchSize: batch, optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 } },
    probe,
    { device },
  );
  const runs: number[] = [];
  let blas = '',
    where = '';
  t.on((e: TrainEvent) => {
    const m = e as TrainEvent & { trainSeconds?: number; blas?: string; deviceName?: string; device?: string };
    if (e.event === 'start') [blas, where] = [m.blas ?? '', `${m.device} (${m.deviceName})`];
    if (e.event === 'epoch' && e.epoch > 0 && m.trainSeconds) runs.push((batch * 8) / m.trainSeconds);
  });
  try {
    await t.run();
    return { runs, blas, device: where };
  } catch (e) {
    return { skipped: (e as Error).message };
  } finally {
    process.env = saved;
    t.dispose();
    session.model.dispose();
  }
}
