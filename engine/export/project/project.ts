// The project file (`.netloom`): a zip of
//   project.json          {format: "netloom/project", version}
//   network.json          the document without weights (deflated)
//   weights.safetensors   float32 tensors keyed by Gluon parameter name, Gluon layout, BatchNorm running stats included
//   optimizer.safetensors optimizer slots keyed `<gluon name>/<slot>` (optional)
//   position.json         epoch, batch, step, optimizer step, lr and RNG state (with optimizer.safetensors)
//   runs.json             run history (optional)
// Tensors are streamed into the zip stored (already dense float data, deflate gains little and costs time), chunk
// by chunk from the tensors' own memory: saving needs no second copy of the weights. Today's single-file JSON
// projects (base64 weights, `doc.weights`) still open: readProject migrates them.
import { strFromU8, strToU8, unzipSync, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { parseDocument, type NetworkDoc } from '../../core';
import type { Tensor } from '../layout';
import { decodeSafetensors, safetensorsChunks } from './safetensors';

export const PROJECT_FORMAT = 'netloom/project';
export const PROJECT_VERSION = 1;

/** Where a run stood when it was saved, so Resume continues exactly. */
export interface TrainingPosition {
  epoch: number;
  batch: number;
  step: number;
  optimizerStep: number;
  lr: number;
  rngState: number;
}

export interface Project {
  /** The network document, without `weights`. */
  doc: NetworkDoc;
  /** Trained weights by Gluon name (Gluon layout), or null for an untrained network. */
  weights: Record<string, Tensor> | null;
  optimizer?: { slots: Record<string, Tensor>; position: TrainingPosition };
  runs?: unknown[];
}

export class ProjectError extends Error {
  constructor(
    readonly code: 'E_PROJECT_FORMAT' | 'E_PROJECT_VERSION' | 'E_PROJECT_DOC',
    message: string,
  ) {
    super(message);
  }
}

const json = (v: unknown) => strToU8(JSON.stringify(v, null, 1));

interface Entry {
  name: string;
  /** Stored as is (tensor bytes) or deflated (JSON). */
  stored: boolean;
  chunks: () => Iterable<Uint8Array>;
}

/** The zip as a stream of chunks: each entry's data is pushed through fflate as it is produced and handed on. */
function* zipChunks(entries: Entry[]): Generator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else out.push(chunk);
  });
  const drain = function* () {
    if (failed) throw failed;
    while (out.length) yield out.shift()!;
  };
  for (const e of entries) {
    const file = e.stored ? new ZipPassThrough(e.name) : new ZipDeflate(e.name, { level: 6 });
    zip.add(file);
    for (const chunk of e.chunks()) {
      file.push(chunk);
      yield* drain();
    }
    file.push(new Uint8Array(0), true);
    yield* drain();
  }
  zip.end();
  yield* drain();
}

/** The `.netloom` bytes of a project as chunks (for an atomic streaming write). */
export function projectChunks(p: Project): Iterable<Uint8Array> {
  const { weights: _legacy, ...doc } = p.doc;
  const entries: Entry[] = [
    { name: 'project.json', stored: false, chunks: () => [json({ format: PROJECT_FORMAT, version: PROJECT_VERSION })] },
    { name: 'network.json', stored: false, chunks: () => [json(doc)] },
  ];
  if (p.weights) {
    const w = p.weights;
    entries.push({ name: 'weights.safetensors', stored: true, chunks: () => safetensorsChunks(w, { format: 'pt' }) });
  }
  if (p.optimizer) {
    const o = p.optimizer;
    entries.push({ name: 'optimizer.safetensors', stored: true, chunks: () => safetensorsChunks(o.slots) });
    entries.push({ name: 'position.json', stored: false, chunks: () => [json(o.position)] });
  }
  if (p.runs) {
    const runs = p.runs;
    entries.push({ name: 'runs.json', stored: false, chunks: () => [json(runs)] });
  }
  return { [Symbol.iterator]: () => zipChunks(entries) };
}

/** The whole `.netloom` file in one buffer (small projects, the protocol's bytes). */
export function encodeProject(p: Project): Uint8Array {
  const chunks = [...projectChunks(p)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function parseDoc(text: string, where: string): NetworkDoc {
  const { doc, errors } = parseDocument(text);
  if (!doc) {
    const e = errors[0];
    throw new ProjectError('E_PROJECT_DOC', `${where}: ${e.code} at ${e.path || '(root)'}: ${e.message}`);
  }
  return doc;
}

/** Decodes today's legacy base64 weights (`doc.weights`): little-endian float32, Gluon layout. */
function legacyWeights(w: NonNullable<NetworkDoc['weights']>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(w)) {
    const bytes = Buffer.from(t.data, 'base64');
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (bytes.length !== count * 4)
      throw new ProjectError(
        'E_PROJECT_FORMAT',
        `weights "${name}": ${bytes.length} bytes for shape (${t.shape.join(', ')}), expected ${count * 4}`,
      );
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes);
    out[name] = { shape: t.shape, data };
  }
  return out;
}

/**
 * Reads a `.netloom` zip or a legacy single-file JSON project (weights base64 inside the document), giving the
 * same Project either way. Example: `readProject(fs.readFileSync('lenet.netloom')).weights`.
 */
export function readProject(bytes: Uint8Array): Project {
  if (!isZip(bytes)) {
    const doc = parseDoc(new TextDecoder().decode(bytes), 'the project');
    const { weights, ...rest } = doc;
    return { doc: rest as NetworkDoc, weights: weights ? legacyWeights(weights) : null };
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new ProjectError('E_PROJECT_FORMAT', `not a readable .netloom zip: ${(e as Error).message}`);
  }
  const meta = files['project.json'] ? JSON.parse(strFromU8(files['project.json'])) : null;
  if (!meta || meta.format !== PROJECT_FORMAT)
    throw new ProjectError('E_PROJECT_FORMAT', 'not a Netloom project: the zip has no project.json');
  if (meta.version !== PROJECT_VERSION)
    throw new ProjectError(
      'E_PROJECT_VERSION',
      `this Netloom reads project version ${PROJECT_VERSION}, the file is ${JSON.stringify(meta.version)}`,
    );
  if (!files['network.json']) throw new ProjectError('E_PROJECT_FORMAT', 'the project has no network.json');
  const doc = parseDoc(strFromU8(files['network.json']), 'network.json');
  const weights = files['weights.safetensors'] ? decodeSafetensors(files['weights.safetensors']).tensors : null;
  const p: Project = { doc, weights };
  if (files['optimizer.safetensors'] && files['position.json'])
    p.optimizer = {
      slots: decodeSafetensors(files['optimizer.safetensors']).tensors,
      position: JSON.parse(strFromU8(files['position.json'])),
    };
  if (files['runs.json']) p.runs = JSON.parse(strFromU8(files['runs.json']));
  return p;
}
