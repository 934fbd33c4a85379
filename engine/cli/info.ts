// `netloom info <template | project.netloom | file.netloom.json> [--json]`: the per-block shape table and totals (the seed's `verbose` trace).
import { inferNetwork, type InferResult } from '../core';
import { parseArgs, CliError } from './args';
import { loadProject } from './load';

const shape = (s: number[] | null) => (s ? (s.length === 1 ? `${s[0]}` : `(${s.join(', ')})`) : '—');
const human = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(2)} G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)} M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} k`
        : `${n}`;

/** The `--json` object of the CLI contract. */
export function infoJson(r: InferResult) {
  return {
    name: r.name,
    input: r.input,
    output: r.output,
    params: r.params,
    flops: r.flops,
    blocks: r.blocks.map((b) => ({ path: b.path, type: b.type, outputShape: b.outputShape, params: b.params })),
    errors: r.errors.map((e) => ({
      code: e.code,
      path: e.path,
      message: e.message,
      ...(e.port !== undefined ? { port: e.port } : {}),
    })),
  };
}

export function infoTable(r: InferResult): string {
  // A file that is not a document has no table to show: just its errors, one line each.
  if (!r.doc) return r.errors.map(errorLine).join('\n');
  const rows = r.blocks.map((b) => {
    const depth = b.path ? b.path.split('/').length : 0;
    return [
      `${'  '.repeat(depth)}${b.path || '(root)'}`,
      b.type,
      shape(b.outputShape),
      b.params ? b.params.toLocaleString('en-US') : '',
    ];
  });
  const head = ['block', 'type', 'output', 'params'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  const out = [
    `${r.name} — input ${shape(r.input)}`,
    '',
    line(head),
    line(w.map((n) => '─'.repeat(n))),
    ...rows.map(line),
    '',
  ];
  out.push(
    `output ${shape(r.output)} · ${r.params.trainable.toLocaleString('en-US')} trainable + ${r.params.nonTrainable.toLocaleString('en-US')} non-trainable parameters · ${human(r.flops)}FLOPs per sample`,
  );
  for (const e of r.errors) out.push(errorLine(e));
  for (const e of r.warnings) out.push(`warning ${e.code} at ${e.path}: ${e.message}`);
  return out.join('\n');
}

const errorLine = (e: InferResult['errors'][number]) =>
  `error ${e.code} at ${e.path || '(root)'}${e.port !== undefined ? ` port ${e.port}` : ''}: ${e.message}`;

export async function infoCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['json']);
  const ref = p.positional[0];
  if (!ref) throw new CliError('usage: netloom info <template-id | project.netloom | file.netloom.json> [--json]');
  const r = inferNetwork(loadProject(ref).text);
  console.log(p.flags.json ? JSON.stringify(infoJson(r)) : infoTable(r));
  return r.errors.length ? 1 : 0;
}
