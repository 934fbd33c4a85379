// `--format pytorch`: a folder with model.py (the network as nn.Modules), netloom_layers.py (Netloom's layer
// semantics, shipped verbatim), train.py (the project's training settings, DDP under torchrun) and
// weights.safetensors (Gluon names and layout, which is PyTorch's: no conversion; see ../layout.ts).
import fs from 'node:fs';
import path from 'node:path';
import { TrainingSettings, type InferResult } from '../../core';
import type { WriteData } from '../../io';
import type { ExportSource } from '../formats';
import { safetensorsChunks } from '../project/safetensors';
import { ExportError, type Unsupported } from '../walk';
import { ClassWriter } from './classes';
import { modelPy } from './model';
import { pyLiteral } from './py';

const PY_DIR = path.join(import.meta.dirname, 'python');
/** A file of python/, shipped verbatim; a one-line error (not a stack trace) where an installation lacks it. */
function readPy(name: string): string {
  try {
    return fs.readFileSync(path.join(PY_DIR, name), 'utf8');
  } catch {
    throw new ExportError('E_EXPORT_INPUT', `this installation lacks ${path.join(PY_DIR, name)} (PyTorch export)`);
  }
}

/** The marker line of python/train.py that receives the project's training settings. */
const SETTINGS_LINE = /^SETTINGS = \{\}.*$/m;

/** train.py with the document's training settings (the schema's defaults where it has none). */
export function trainPy(net: InferResult): string {
  const t = net.doc?.training ?? TrainingSettings.parse({ lr: 0.1, momentum: 0.9 });
  const settings = Object.entries(t)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `    ${JSON.stringify(k)}: ${pyLiteral(v)},`)
    .join('\n');
  const src = readPy('train.py');
  if (!SETTINGS_LINE.test(src)) throw new Error('python/train.py lost its SETTINGS line');
  return src.replace(SETTINGS_LINE, () => `SETTINGS = {\n${settings}\n}`);
}

/** The three source files of the export (no weights): what Netloom's torch backend generates too. */
export function pytorchSources(net: InferResult): Record<'model.py' | 'netloom_layers.py' | 'train.py', string> {
  return { 'model.py': modelPy(net), 'netloom_layers.py': readPy('netloom_layers.py'), 'train.py': trainPy(net) };
}

/** Blocks PyTorch export cannot express in `net` (e.g. an `apply` of a layer outside its class); empty when it exports. */
export function pytorchProblems(net: InferResult): Unsupported[] {
  if (!net.doc || !net.tree || net.errors.length)
    return [{ path: '', kind: 'network', reason: 'the network has errors; fix them before exporting' }];
  const writer = new ClassWriter(net);
  writer.write();
  return writer.problems;
}

/**
 * The export's files: model.py, netloom_layers.py, train.py and weights.safetensors (Gluon name → tensor in
 * Gluon layout, streamed without a copy). Used through `runExport('pytorch', src, folder)` (../formats.ts).
 */
export function* pytorchFiles(
  src: Pick<ExportSource, 'net' | 'weights'>,
): Generator<{ name: string; data: WriteData }> {
  const { net, weights } = src;
  const missing = net.parameters.find((p) => !weights[p.name]);
  if (missing) throw new ExportError('E_EXPORT_INPUT', `the weights have no "${missing.name}"`);
  for (const [name, text] of Object.entries(pytorchSources(net))) yield { name, data: text };
  const tensors = Object.fromEntries(net.parameters.map((p) => [p.name, weights[p.name]]));
  yield { name: 'weights.safetensors', data: safetensorsChunks(tensors, { format: 'netloom', network: net.name }) };
}
