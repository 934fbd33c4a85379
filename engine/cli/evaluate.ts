// `netloom evaluate <trained project> [--data …] [--split test|train] [--limit N] [--backend NAME] [--workers N|auto]
// [--json]` (`--workers`: the batches over data-parallel workers, predict-workers.ts):
// accuracy, per-class precision/recall and the confusion matrix over exactly the samples `predict` sees (the
// split in file order, its first N), as ONE JSON object or a readable table. A project without trained weights
// is refused (E_NOT_TRAINED): an evaluation of random weights would only mislead. The project opens as predict
// opens it (open.ts's loadPredictable): a `.netloom` zip or a legacy JSON project, with the same one-line errors.
import { parseArgs, CliError } from './args';
import { checkBeforeAllocating, loadPredictable, openChecked } from './open';
import { dataFlags, text, workersOption } from './options';
import { inferenceBackend, inferenceHelp, inferenceWorkers } from './predict-workers';

const USAGE =
  'usage: netloom evaluate <project.netloom | file.netloom.json> [--data fashion-mnist|mnist|<folder>|<csv>] [--label-column NAME] [--split test|train] [--limit N] [--backend NAME] [--workers N|auto] [--json]';
const FLAGS = ['data', 'label-column', 'split', 'limit', 'backend', 'workers', 'json', 'help'];

export async function evaluateCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['json', 'help'], FLAGS);
  if (p.flags.help) return (process.stdout.write(inferenceHelp(USAGE)), 0);
  const ref = p.positional[0];
  if (!ref) throw new CliError(`a trained project is missing: ${USAGE.replace('usage: ', '')}`);
  if (p.positional.length > 1) throw new CliError(`one project at a time, got ${p.positional.join(' ')}`);
  const part = text(p, 'split') ?? 'test';
  if (part !== 'test' && part !== 'train')
    throw new CliError(`--split must be test or train, got ${JSON.stringify(part)}`);
  const workers = workersOption(p);
  const { net, text: doc, trained } = loadPredictable(ref);
  if (!trained)
    throw new CliError(`"${ref}" has no trained weights: train it first (netloom train … --save)`, 'E_NOT_TRAINED', 1);
  const data = dataFlags(p, net.doc);
  const { backend, replicas } = await inferenceBackend(text(p, 'backend'), workers);
  checkBeforeAllocating(net, Math.min(256, data.limit ?? 256), replicas);
  const session = await openChecked({
    doc,
    data: data.source,
    labelColumn: data.labelColumn,
    validationSplit: 0, // as predict: --split train means the whole training set
    backend,
  });
  let pool: Awaited<ReturnType<typeof inferenceWorkers>> | undefined;
  try {
    const { evaluateModel } = await import('../debug');
    const { sampleSource } = await import('../host/debug-data');
    const src = sampleSource(session.data, part);
    pool = await inferenceWorkers(session, workers, Math.min(data.limit ?? src.n, src.n));
    const r = await evaluateModel(session.model, src, {
      limit: data.limit,
      maxMisclassified: 0,
      predict: pool.predict,
    });
    const said = pool.summary();
    if (said) process.stderr.write(said + '\n');
    const C = r.classes.length;
    const confusion = Array.from({ length: C }, (_, i) => Array.from(r.confusion.subarray(i * C, (i + 1) * C)));
    if (p.flags.json) {
      const perClass = r.classes.map((name, c) => ({ class: name, precision: r.precision[c], recall: r.recall[c] }));
      process.stdout.write(JSON.stringify({ accuracy: r.accuracy, samples: r.samples, perClass, confusion }) + '\n');
    } else process.stdout.write(table(r.classes, r.precision, r.recall, confusion, r.accuracy, r.samples, part));
    return 0;
  } finally {
    await pool?.close();
    session.model.dispose();
  }
}

function table(
  classes: string[],
  precision: Float32Array,
  recall: Float32Array,
  confusion: number[][],
  accuracy: number,
  samples: number,
  part: string,
): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const w = Math.max(5, ...classes.map((c) => c.length));
  const cell = Math.max(5, ...confusion.flat().map((v) => String(v).length + 1));
  const lines = [
    `accuracy ${pct(accuracy)} on ${samples} ${part} samples`,
    '',
    `${'class'.padEnd(w)}  precision  recall`,
    ...classes.map((c, i) => `${c.padEnd(w)}  ${pct(precision[i]).padStart(9)}  ${pct(recall[i]).padStart(6)}`),
    '',
    `confusion (rows: true class, columns: predicted, in the order above)`,
    ...confusion.map((row, i) => `${classes[i].padEnd(w)} ${row.map((v) => String(v).padStart(cell)).join('')}`),
  ];
  return lines.join('\n') + '\n';
}
