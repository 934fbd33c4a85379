// `netloom predict <file> [--data fashion-mnist] [--split test|train] [--limit N] [--json]`: one line per sample.
import { openSession, SessionError } from '../train';
import { createFiller, getPart, isDataError } from '../data';
import { predictBatch } from '../runtime';
import { parseArgs, numFlag, CliError } from './args';
import { loadDocText } from './load';

export async function predictCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['json']);
  const ref = p.positional[0];
  if (!ref)
    throw new CliError(
      'usage: netloom predict <file.netloom.json> [--data fashion-mnist] [--split test|train] [--limit N] [--json]',
    );
  const part = (p.flags.split ?? 'test') as string;
  if (part !== 'test' && part !== 'train')
    throw new CliError(`--split must be test or train, got ${JSON.stringify(part)}`);
  const text = loadDocText(ref).text;
  let session;
  try {
    session = await openSession({
      doc: text,
      data: typeof p.flags.data === 'string' ? p.flags.data : undefined,
      backend: typeof p.flags.backend === 'string' ? p.flags.backend : undefined,
    });
  } catch (e) {
    if (e instanceof SessionError || isDataError(e)) throw new CliError((e as Error).message);
    throw e;
  }
  if (!session.doc.weights)
    process.stderr.write(`warning: ${ref} has no trained weights; predicting with freshly initialized ones\n`);
  const split = getPart(session.data, part);
  const limit = Math.min(numFlag(p, 'limit', split.n)!, split.n);
  const filler = createFiller(split, session.data.inputShape, session.data.normalize);
  const bs = 256;
  const x = new Float32Array(bs * filler.sampleSize),
    y = new Int32Array(bs);
  let correct = 0;
  for (let start = 0; start < limit; start += bs) {
    const n = Math.min(bs, limit - start);
    filler.fill(null, start, n, x, y);
    const { logits, classes } = await predictBatch(session.model, x.subarray(0, n * filler.sampleSize), n);
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
  if (!p.flags.json)
    process.stderr.write(`accuracy ${((100 * correct) / limit).toFixed(2)}% on ${limit} ${part} samples\n`);
  session.model.dispose();
  return 0;
}
