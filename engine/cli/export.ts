// `netloom export <project | template-id> --format onnx|pytorch|tfjs|svg|png|project --out PATH [--theme light|dark]`:
// the trained network leaves Netloom through engine/export's format table (the same code as the protocol's
// export/run). A project exports its trained weights; a template (or an untrained project) exports freshly
// initialised ones and says so; svg and png draw the network as the canvas shows it (light by default, for papers).
// A network the format cannot express is refused before anything is written: one line naming the block, exit 1.
import fs from 'node:fs';
import {
  DIAGRAM_THEMES,
  FORMATS,
  checkExportable,
  isFormat,
  loadSource,
  runExport,
  usesWeights,
  ExportError,
  ProjectError,
} from '../export';
import { glanceView, inferNetwork, parseDocument } from '../core';
import { isWriteError } from '../io';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { CliError, parseArgs } from './args';

const FLAGS = ['format', 'out', 'theme'];
export const EXPORT_USAGE = `usage: netloom export <project | template-id> --format ${Object.keys(FORMATS).join('|')} --out PATH [--theme ${DIAGRAM_THEMES.join('|')} (svg, png)]`;

/** What each format writes, for the closing line. */
const WHAT: Record<string, string> = {
  project: 'Netloom project (.netloom: network, safetensors weights)',
  onnx: 'ONNX model (opset 13; input "input" NCHW, output "output" logits)',
  tfjs: 'TF.js LayersModel (model.json + weight shards; input NHWC)',
  pytorch: 'PyTorch code + Gluon-named weights (python3 model.py --input x.npy --output y.npy; train.py, torchrun)',
  svg: 'diagram (SVG, as on the canvas)',
  png: 'diagram (PNG at 2×, as on the canvas)',
};

/** A template as the editor opens it: a picture of a big one shows each block definition expanded once. */
function templateFor(id: string, weights: boolean): unknown {
  const raw = loadTemplate(id);
  const { doc } = weights ? { doc: null } : parseDocument(raw);
  return doc ? glanceView(doc, inferNetwork(doc)) : raw;
}

export async function exportCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv);
  const unknown = Object.keys(p.flags).find((k) => !FLAGS.includes(k));
  if (unknown) throw new CliError(`unknown flag --${unknown}\n${EXPORT_USAGE}`);
  const [ref, extra] = p.positional;
  const format = p.flags.format;
  const out = p.flags.out;
  if (!ref || extra !== undefined || typeof format !== 'string' || typeof out !== 'string')
    throw new CliError(EXPORT_USAGE);
  if (!isFormat(format))
    throw new CliError(`--format must be one of ${Object.keys(FORMATS).join(', ')}, got ${JSON.stringify(format)}`);
  const theme = p.flags.theme ?? 'light';
  if (p.flags.theme !== undefined && usesWeights(format))
    throw new CliError(`--theme is for the diagram formats (svg, png), not ${format}`);
  if (typeof theme !== 'string' || !(DIAGRAM_THEMES as string[]).includes(theme))
    throw new CliError(`--theme must be one of ${DIAGRAM_THEMES.join(', ')}, got ${JSON.stringify(theme)}`);
  const template = TEMPLATE_IDS.includes(ref);
  if (!template && !fs.existsSync(ref))
    throw new CliError(`"${ref}" is neither a template (${TEMPLATE_IDS.join(', ')}) nor a file`);
  try {
    const check = (net: Parameters<typeof checkExportable>[1]) => checkExportable(format, net);
    const weights = usesWeights(format);
    const input = template ? templateFor(ref, weights) : new Uint8Array(fs.readFileSync(ref));
    const src = await loadSource(input, check, weights);
    const { files, warnings } = runExport(format, src, out, { theme: theme as (typeof DIAGRAM_THEMES)[number] });
    for (const w of warnings) process.stderr.write(`note: ${template ? `template ${ref}` : ref}: ${w}\n`);
    const where = FORMATS[format].target === 'folder' ? `${out}/ (${files.map((f) => f.name).join(', ')})` : out;
    const what = weights ? `${src.trained ? 'trained' : 'initialised'} weights` : `${theme} theme`;
    process.stdout.write(`wrote ${where}: ${WHAT[format] ?? format}, ${what}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExportError || e instanceof ProjectError || isWriteError(e)) {
      process.stderr.write(
        `netloom export: ${(e as Error).message.split('\n')[0]} (${(e as { code: string }).code})\n`,
      );
      return 1;
    }
    throw e;
  }
}
