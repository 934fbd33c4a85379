// `netloom train <template | project.netloom | file.netloom.json> [flags]` (see `netloom train --help`): flags are
// validated by the protocol's trainConfig schema (options.ts), over the document's training settings; everything
// that can fail before training is checked before training (the --save target, the weights, the memory), and a
// finished run is never lost to a failing save.
import os from 'node:os';
import path from 'node:path';
import { checkWritable, writeFileAtomic } from '../io';
import type { Session, TrainEvent, withWeights as WithWeights } from '../train';
import { parseArgs, CliError } from './args';
import { checkBeforeAllocating, loadNetwork, openChecked } from './open';
import {
  checkBackend,
  checkWorkersBackend,
  settingFrom,
  TRAIN_BOOLEANS,
  TRAIN_FLAGS,
  trainHelp,
  trainOptions,
  workerCount,
} from './options';
import { progressPrinter } from './progress';
import { asksForTorch } from './torch-flags';
import { historyOf, projectData, readResume, restoreRun, savesProject } from './resume';
import { startWatch, torchHold, watchFromFlags } from './watch';

export async function trainCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, TRAIN_BOOLEANS, Object.keys(TRAIN_FLAGS));
  // The runtime (tfjs) loads only after the command line is known to be valid: usage errors answer fast.
  const runtime = () => import('../runtime');
  if (p.flags.help) return (process.stdout.write(trainHelp((await runtime()).backendNames()) + '\n'), 0);
  if (p.flags.fresh && p.flags.resume !== undefined)
    throw new CliError("--fresh starts from new initial weights, --resume continues the project's: give one");
  const resume = typeof p.flags.resume === 'string' ? readResume(p.flags.resume) : null;
  const ref = p.positional[0];
  if (ref && resume) throw new CliError('give a network or --resume PROJECT (its network), not both');
  if (!ref && !resume)
    throw new CliError(
      'a network is missing: netloom train <template | project.netloom | file.netloom.json> (see --help)',
    );
  if (p.positional.length > 1) throw new CliError(`one network at a time, got ${p.positional.join(' ')}`);
  const { net, text, trainedFrom } = resume ? { ...resume, trainedFrom: null } : loadNetwork(ref, !!p.flags.fresh);
  const { config, save, json } = trainOptions(p, net.doc, text);
  const watch = watchFromFlags(p, net);
  if (save) checkWritable(save);
  checkBackend(config.backend, (await runtime()).backendNames(), settingFrom(p, 'backend'));
  const torchFlags = asksForTorch(p.flags);
  checkWorkersBackend(config.workers, config.backend ?? (torchFlags ? 'torch' : undefined), settingFrom(p, 'workers'));
  // No --backend (and no torch flag, which asks for torch): wasm when workers are asked for (only wasm has them),
  // else a GPU, else the fastest CPU backend in the speed probe (measured after the memory check, never before).
  const choice = config.backend === undefined && !torchFlags ? await import('../host/backend-choice') : null;
  const forWorkers = choice?.workersBackend(config.workers) ?? null;
  const known = config.backend ?? (torchFlags ? 'torch' : forWorkers?.name);
  const { requestedWorkers } = await import('../train/workers-choice');
  let workers: number | 'auto';
  try {
    workers = requestedWorkers(config.workers); // unnamed: the default, which NETLOOM_WORKERS may set
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  checkBeforeAllocating(net, config.batchSize, await workerCount(workers, known));
  const auto = choice ? (forWorkers ?? (await choice.automaticBackend())) : null;
  const backend = config.backend ?? auto?.name;
  const torch = await (await import('./torch')).torchForTrain(p, backend); // null: tfjs trains
  const { Trainer, withWeights } = await import('../train');
  const emit = json ? (e: TrainEvent) => process.stdout.write(JSON.stringify(e) + '\n') : progressPrinter();

  const session = await openChecked({
    doc: text,
    data: config.data.source,
    limit: config.data.limit,
    validationSplit: config.data.validationSplit,
    labelColumn: config.data.labelColumn,
    backend: torch ? undefined : backend,
    seed: config.seed,
    onProgress: json
      ? undefined
      : (d) =>
          process.stderr.write(
            `\rdownloading ${d.file}: ${Math.round((100 * d.bytesDone) / Math.max(1, d.bytesTotal))}%`,
          ),
  });
  if (!json) {
    // Said once the run can start (a refusal stays one line): which backend, and why it was chosen.
    if (auto) process.stderr.write(`backend: ${auto.name} (${auto.reason})\n`);
    // A saved project trains on from its weights (a new run: epoch 1, a new optimizer); --resume continues its run.
    if (trainedFrom)
      process.stderr.write(`starting from the trained weights in ${trainedFrom} (--fresh: new initial weights)\n`);
    const { validation, test } = session.data;
    process.stderr.write(
      validation
        ? `validation: ${validation.n} held-out training samples (--val-split ${config.data.validationSplit}); test: ${test.n} samples, evaluated at the end\n`
        : `no validation split (--val-split 0): per-epoch figures are from the test set (${test.n} samples)\n`,
    );
  }
  const settings = {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    optimizer: { type: config.optimizer, lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay },
    schedule: config.schedule,
    earlyStopping: config.earlyStop,
    workers: config.workers,
  };
  const why = (reason: string) => (auto ? `automatic, ${auto.reason}` : reason);
  const trainer = torch
    ? new (await import('../host/torch-run')).TorchTrainer(
        session,
        settings,
        { ...torch.probe, reason: why(`requested: ${torch.probe.reason}`) },
        watch ? { ...torch.options, hold: torchHold(watch) } : torch.options,
      )
    : new Trainer(session.model, session.data, settings, {
        name: session.backend.name,
        reason: why(session.backend.reason),
      });
  if (resume) await restoreRun(trainer, session.doc, resume.bytes, json);
  const history = historyOf(trainer, resume?.runs);
  // The trainer pauses at a non-finite loss so that a person in the editor can look; here nobody would resume it.
  let anomaly: string | null = null;
  trainer.on((e) => {
    emit(e);
    if (e.event === 'anomaly' && !anomaly) {
      anomaly = e.message;
      trainer.stop();
    }
  });
  if (watch)
    await startWatch(trainer, session, watch, (o) =>
      json ? process.stdout.write(JSON.stringify(o) + '\n') : process.stderr.write(`\n${JSON.stringify(o)}\n`),
    );
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after this batch (Ctrl-C again to quit now)…\n');
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const done = await trainer.run();
    if (save)
      await saveModel(session, save, json, withWeights, () =>
        savesProject(save) ? projectData(trainer, session.doc, history.runs()) : undefined,
      );
    if (anomaly) throw new CliError(`training stopped: ${anomaly}`, 'E_TRAIN_NONFINITE', 1);
    return done.stopped ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    trainer.dispose();
    session.model.dispose();
  }
}

/**
 * Writes the trained network atomically. Weights that went NaN are not written (they would replace a good file
 * with a useless one); if the target cannot be written now (its folder vanished, a full disk), the model goes to
 * a rescue file in the temporary folder so the run is not lost, and the error says where.
 */
async function saveModel(
  session: Session,
  file: string,
  json: boolean,
  withWeights: typeof WithWeights,
  project: () => Promise<Iterable<Uint8Array>> | undefined,
): Promise<void> {
  const weights = await session.model.params.toGluon();
  const bad = Object.entries(weights).find(([, t]) => t.data.some((v) => !Number.isFinite(v)));
  if (bad)
    throw new CliError(
      `not saved to "${file}": the weights became NaN or infinite ("${bad[0]}"); lower --lr or try another --seed`,
      'E_WEIGHTS_NONFINITE',
      1,
    );
  const text = (await project()) ?? JSON.stringify(withWeights(session.doc, weights));
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    const rescue = path.join(os.tmpdir(), `netloom-rescued-${Date.now()}-${path.basename(file)}`);
    let where = '';
    try {
      writeFileAtomic(rescue, text);
      where = `; the trained model was written to "${rescue}" instead`;
    } catch {
      where = '; the rescue copy in the temporary folder failed too';
    }
    const err = e as Error & { code?: string };
    throw new CliError(`${err.message}${where}`, err.code ?? 'E_WRITE_FAILED', 1);
  }
  if (!json) process.stderr.write(`saved ${file}\n`);
}
