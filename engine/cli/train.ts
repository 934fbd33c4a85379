// `netloom train <template | file> [--data …] [--epochs N] [--batch-size N] [--lr X] [--optimizer sgd|adam]
//   [--momentum X] [--limit N] [--backend …] [--seed N] [--save out.netloom.json] [--json]`
import fs from 'node:fs';
import { openSession, Trainer, withWeights, SessionError, type TrainEvent } from '../train';
import { isDataError } from '../data';
import { parseArgs, numFlag, CliError } from './args';
import { loadDocText } from './load';
import { progressPrinter } from './progress';

export async function trainCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['json']);
  const ref = p.positional[0];
  if (!ref)
    throw new CliError(
      'usage: netloom train <template | file> [--data fashion-mnist|mnist|<folder>|<csv>] [--epochs N] [--batch-size N] [--lr X] [--optimizer sgd|adam] [--limit N] [--backend name] [--seed N] [--save out.netloom.json] [--json]',
    );
  const optimizer = p.flags.optimizer;
  if (optimizer !== undefined && optimizer !== 'sgd' && optimizer !== 'adam')
    throw new CliError(`--optimizer must be sgd or adam, got ${JSON.stringify(optimizer)}`);
  const json = p.flags.json === true;
  const emit = json ? (e: TrainEvent) => process.stdout.write(JSON.stringify(e) + '\n') : progressPrinter();

  let session;
  try {
    session = await openSession({
      doc: loadDocText(ref).text,
      data: typeof p.flags.data === 'string' ? p.flags.data : undefined,
      limit: numFlag(p, 'limit'),
      backend: typeof p.flags.backend === 'string' ? p.flags.backend : undefined,
      seed: numFlag(p, 'seed', 0),
      onProgress: json
        ? undefined
        : (d) =>
            process.stderr.write(
              `\rdownloading ${d.file}: ${Math.round((100 * d.bytesDone) / Math.max(1, d.bytesTotal))}%`,
            ),
    });
  } catch (e) {
    if (e instanceof SessionError || isDataError(e) || (e instanceof Error && /backend/i.test(e.message)))
      throw new CliError((e as Error).message);
    throw e;
  }
  const t = session.doc.training;
  const opt = (optimizer as 'sgd' | 'adam' | undefined) ?? t?.optimizer ?? 'sgd';
  const lr = numFlag(p, 'lr', t?.lr ?? (opt === 'adam' ? 1e-3 : 0.1))!;
  const trainer = new Trainer(
    session.model,
    session.data,
    {
      epochs: numFlag(p, 'epochs', t?.epochs ?? 10)!,
      batchSize: numFlag(p, 'batch-size', t?.batchSize ?? 256)!,
      seed: numFlag(p, 'seed', 0),
      optimizer: {
        type: opt,
        lr,
        momentum: numFlag(p, 'momentum', opt === t?.optimizer ? t?.momentum : 0),
        weightDecay: t?.weightDecay,
      },
    },
    session.backend,
  );
  trainer.on(emit);
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after this batch (Ctrl-C again to quit now)…\n');
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  try {
    const done = await trainer.run();
    const save = p.flags.save;
    if (typeof save === 'string') {
      fs.writeFileSync(save, JSON.stringify(withWeights(session.doc, await session.model.params.toGluon())));
      if (!json) process.stderr.write(`saved ${save}\n`);
    }
    return done.stopped ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    trainer.dispose();
    session.model.dispose();
  }
}
