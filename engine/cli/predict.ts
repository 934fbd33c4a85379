// `netloom predict <template | project> [--data …] [--split test|train] [--limit N] [--backend NAME] [--workers N|auto] [--json]`:
// one line per sample, then the accuracy; `--workers` runs the batches over data-parallel workers (predict-workers.ts).
// The network is a template, a legacy JSON project or a `.netloom` zip (open.ts's loadPredictable, as evaluate).
// Flags are validated with the protocol's schemas; weights that are damaged, do not fit, or are NaN are refused with a
// coded one-line error, and so are NaN outputs.
import { createFiller, getPart } from '../data';
import { parseArgs, CliError } from './args';
import { checkBeforeAllocating, loadPredictable, openChecked } from './open';
import { dataFlags, text, workersOption } from './options';
import { inferenceBackend, inferenceHelp, inferenceWorkers } from './predict-workers';

const USAGE =
  'usage: netloom predict <project.netloom | file.netloom.json | template-id> [--data fashion-mnist|mnist|<folder>|<csv>] [--label-column NAME] [--split test|train] [--limit N] [--backend NAME] [--workers N|auto] [--json]';
const FLAGS = ['data', 'label-column', 'split', 'limit', 'backend', 'workers', 'json', 'help'];
const BATCH = 256;

export async function predictCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['json', 'help'], FLAGS);
  if (p.flags.help) return (process.stdout.write(inferenceHelp(USAGE)), 0);
  const ref = p.positional[0];
  if (!ref) throw new CliError(`a network is missing: ${USAGE.replace('usage: ', '')}`);
  const part = text(p, 'split') ?? 'test';
  if (part !== 'test' && part !== 'train')
    throw new CliError(`--split must be test or train, got ${JSON.stringify(part)}`);
  const { net, text: docText, trained } = loadPredictable(ref);
  const data = dataFlags(p, net.doc);
  const workers = workersOption(p);
  // The runtime (tfjs) loads only after the command line is known to be valid: usage errors answer fast.
  const { backend, replicas } = await inferenceBackend(text(p, 'backend'), workers);
  checkBeforeAllocating(net, Math.min(BATCH, data.limit ?? BATCH), replicas);

  const session = await openChecked({
    doc: docText,
    data: data.source,
    labelColumn: data.labelColumn,
    validationSplit: 0, // --split train means the whole training set
    backend,
  });
  let pool: Awaited<ReturnType<typeof inferenceWorkers>> | undefined;
  try {
    if (!trained)
      process.stderr.write(`warning: ${ref} has no trained weights; predicting with freshly initialized ones\n`);
    const split = getPart(session.data, part);
    const limit = Math.min(data.limit ?? split.n, split.n);
    pool = await inferenceWorkers(session, workers, limit);
    const filler = createFiller(split, session.data.inputShape, session.data.normalize);
    const x = new Float32Array(BATCH * filler.sampleSize),
      y = new Int32Array(BATCH);
    let correct = 0;
    for (let start = 0; start < limit; start += BATCH) {
      const n = Math.min(BATCH, limit - start);
      filler.fill(null, start, n, x, y);
      const { logits, classes } = await pool.predict(session.model, x.subarray(0, n * filler.sampleSize), n);
      const bad = logits.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new CliError(
          `the network's output for ${part} sample ${start + Math.floor(bad / classes)} is ${logits[bad]}: its weights or inputs overflow float32, so no prediction means anything`,
          'E_PREDICT_NONFINITE',
          1,
        );
      for (let i = 0; i < n; i++) {
        const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
        const predicted = row.indexOf(Math.max(...row));
        if (predicted === y[i]) correct++;
        if (p.flags.json)
          process.stdout.write(
            JSON.stringify({ index: start + i, label: y[i], predicted, logits: row.map((v) => +v.toPrecision(6)) }) +
              '\n',
          );
        else
          process.stdout.write(
            `${start + i}\tlabel ${session.data.classes[y[i]]}\tpredicted ${session.data.classes[predicted]}${predicted === y[i] ? '' : '  ✗'}\n`,
          );
      }
    }
    const said = pool.summary();
    if (said) process.stderr.write(said + '\n');
    if (!p.flags.json)
      process.stderr.write(`accuracy ${((100 * correct) / limit).toFixed(2)}% on ${limit} ${part} samples\n`);
    return 0;
  } finally {
    await pool?.close();
    session.model.dispose();
  }
}
