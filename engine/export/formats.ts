// The export formats, one table: what each writes (a file or a folder of files), what it cannot express in a
// network (checked before anything is written), and the files themselves. The CLI's `export` command and the
// protocol's `export/run` both go through `runExport`. Adding a format is one entry here.
import fs from 'node:fs';
import path from 'node:path';
import type { InferResult, NetworkDoc, ThemeName } from '../core';
import { writeFileAtomic, type WriteData } from '../io';
import type { Tensor } from './layout';
import { onnxProblems, toOnnx } from './onnx/export';
import { projectChunks, type Project } from './project/project';
import { pytorchFiles, pytorchProblems } from './pytorch/export';
import { tfjsProblems, toTfjs } from './tfjs/export';
import { ExportError, unsupportedMessage, type Unsupported } from './walk';
import { diagramSvg, svgToPng } from './diagram';

/** What an export starts from: the network, its weights (trained or initial) and, for projects, the run state. */
export interface ExportSource {
  net: InferResult;
  doc: NetworkDoc;
  weights: Record<string, Tensor>;
  /** false: freshly initialised weights (a template) — said in the warnings. */
  trained: boolean;
  optimizer?: Project['optimizer'];
  runs?: unknown[];
}

/** How to draw, for the formats that draw (svg, png); the others ignore it. */
export interface ExportOptions {
  theme?: ThemeName;
}

export interface ExportFormat {
  /** A single file (`--out model.onnx`) or a folder of files (`--out model-tfjs/`). */
  target: 'file' | 'folder';
  /** The usual file name ending, for the file formats. */
  extension?: string;
  /** false: the format draws the network only, so no weights are read or initialised (and none are mentioned). */
  weights?: false;
  /** Blocks this format cannot express in `net`; empty when it exports. */
  problems(net: InferResult): Unsupported[];
  /** The files, relative names → data (chunks are written as they come). */
  files(src: ExportSource, opts: ExportOptions): Iterable<{ name: string; data: WriteData }>;
}

export const FORMATS = {
  project: {
    target: 'file',
    extension: '.netloom',
    problems: () => [],
    files: (s) => [
      {
        name: 'project.netloom',
        data: projectChunks({ doc: s.doc, weights: s.weights, optimizer: s.optimizer, runs: s.runs }),
      },
    ],
  },
  onnx: {
    target: 'file',
    extension: '.onnx',
    problems: onnxProblems,
    files: (s) => [{ name: 'model.onnx', data: toOnnx(s.net, s.weights) }],
  },
  tfjs: {
    target: 'folder',
    problems: tfjsProblems,
    *files(s) {
      const t = toTfjs(s.net, s.weights);
      yield { name: 'model.json', data: JSON.stringify(t.model) };
      for (const shard of t.shards()) yield { name: shard.name, data: shard.bytes };
    },
  },
  pytorch: { target: 'folder', problems: pytorchProblems, files: pytorchFiles },
  svg: {
    target: 'file',
    extension: '.svg',
    weights: false,
    problems: () => [],
    files: (s, o) => [{ name: 'diagram.svg', data: diagramSvg(s.doc, s.net, o.theme) }],
  },
  png: {
    target: 'file',
    extension: '.png',
    weights: false,
    problems: () => [],
    files: (s, o) => [{ name: 'diagram.png', data: svgToPng(diagramSvg(s.doc, s.net, o.theme), o.theme) }],
  },
} satisfies Record<string, ExportFormat>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
const FORMAT_TABLE: Record<string, ExportFormat> = FORMATS;

export const isFormat = (f: string): f is FormatName => Object.hasOwn(FORMATS, f);
/** Whether exporting as `format` needs the network's weights (a diagram does not). */
export const usesWeights = (format: string) => FORMAT_TABLE[format]?.weights !== false;

/** Throws E_EXPORT_UNSUPPORTED, one line naming the block, when `format` cannot express `net`. */
export function checkExportable(format: string, net: InferResult): void {
  const f = FORMAT_TABLE[format];
  if (!f) throw new ExportError('E_EXPORT_INPUT', `unknown format "${format}" (known: ${FORMAT_NAMES.join(', ')})`);
  const problems = f.problems(net);
  if (problems.length) throw new ExportError('E_EXPORT_UNSUPPORTED', unsupportedMessage(format, problems), problems);
}

export interface ExportedFile {
  name: string;
  /** Where it was written (with `out`). */
  path?: string;
  /** The contents (without `out`). */
  bytes?: Uint8Array;
}

function join(data: WriteData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const parts = typeof data === 'string' ? [data] : [...data];
  const bytes = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Exports `src` as `format`: to `out` (the file, or the folder for folder formats; each file written atomically)
 * or, without `out`, as bytes. Checks what the format cannot express first: nothing is written then.
 * Example: `runExport('onnx', src, 'lenet.onnx')` → `{ files: [{ name: 'model.onnx', path: 'lenet.onnx' }], warnings }`.
 */
export function runExport(
  format: string,
  src: ExportSource,
  out?: string,
  opts: ExportOptions = {},
): { files: ExportedFile[]; warnings: string[] } {
  checkExportable(format, src.net);
  const f = FORMAT_TABLE[format];
  const warnings =
    src.trained || f.weights === false ? [] : ['the weights are freshly initialised (the network was never trained)'];
  const files: ExportedFile[] = [];
  if (out && f.target === 'folder') fs.mkdirSync(out, { recursive: true });
  for (const file of f.files(src, opts)) {
    if (!out) files.push({ name: file.name, bytes: join(file.data) });
    else {
      const where = f.target === 'file' ? out : path.join(out, file.name);
      writeFileAtomic(where, file.data);
      files.push({ name: file.name, path: where });
    }
  }
  return { files, warnings };
}
