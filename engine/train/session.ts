// Sets up a training session from a document and a data-set choice: validates that the network fits the
// data (input shape, number of classes), resizes images to the network's input, compiles the model.
import { DEFAULT_VALIDATION_SPLIT, inferNetwork, type InferResult, type NetworkDoc } from '../core';
import { loadDataset, type Dataset, type DataProgress } from '../data';
import { Model, initEngineBackend, type BackendChoice } from '../runtime';
import { decodeWeights } from './weights';

export class SessionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionSpec {
  doc: unknown;
  data?: string;
  limit?: number;
  /** A registry name (`wasm`, `cpu`…); default: the best one present. Selected once per process per choice. */
  backend?: string;
  /** Seeds the model's initialisation and every random draw of the data (test and validation hold-outs). */
  seed?: number;
  /**
   * Fraction of the training data held out for per-epoch validation, drawn with `seed`; default
   * DEFAULT_VALIDATION_SPLIT (0.1). 0: no validation part (the trainer then reports the test set, labelled so).
   */
  validationSplit?: number;
  /** CSV sources: the label column's header name (default "label"). */
  labelColumn?: string;
  onProgress?: (p: DataProgress) => void;
}

export interface Session {
  net: InferResult;
  doc: NetworkDoc;
  model: Model;
  data: Dataset;
  backend: BackendChoice;
}

const fmt = (s: number[]) => `(${s.join(', ')})`;

export async function openSession(spec: SessionSpec): Promise<Session> {
  const net = inferNetwork(spec.doc);
  if (!net.doc || net.errors.length) {
    throw new SessionError(
      'E_INVALID_NETWORK',
      `the network has errors:\n${net.errors.map((e) => `  ${e.code} at ${e.path || '(root)'}: ${e.message}`).join('\n')}`,
    );
  }
  const doc = net.doc;
  const backend = await initEngineBackend(spec.backend);
  const source = spec.data ?? doc.training?.dataset ?? 'fashion-mnist';
  const want = doc.input.shape;
  const resize = want.length === 3 ? ([want[1], want[2]] as [number, number]) : undefined;
  const isTable = /\.(csv|tsv)$/i.test(source);
  const data = await loadDataset({
    source,
    limit: spec.limit,
    labelColumn: spec.labelColumn,
    split: spec.validationSplit ?? doc.training?.validationSplit ?? DEFAULT_VALIDATION_SPLIT,
    onProgress: spec.onProgress,
    seed: spec.seed,
    resize: isTable ? undefined : resize,
  });
  if (fmt(data.inputShape) !== fmt(want)) {
    throw new SessionError(
      'E_INPUT_MISMATCH',
      `the network takes ${fmt(want)} per sample but ${data.name} gives ${fmt(data.inputShape)}`,
    );
  }
  const out = net.output ?? [];
  if (out.length !== 1 || out[0] !== data.classes.length) {
    throw new SessionError(
      'E_CLASSES_MISMATCH',
      `the network outputs ${fmt(out)} but ${data.name} has ${data.classes.length} classes: end with Dense(${data.classes.length})`,
    );
  }
  const model = new Model(net, spec.seed ?? 0);
  try {
    if (doc.weights && !doc.forceReinit) model.params.load(decodeWeights(doc.weights, net.parameters));
  } catch (e) {
    model.dispose(); // weights that do not fit must not leave the model's tensors behind
    throw e;
  }
  return { net, doc, model, data, backend };
}
