// Where an export's network and weights come from: a project (a .netloom zip or a legacy JSON project, with or
// without trained weights) or a bare document (a template). Without trained weights the network is initialised
// exactly as training would start it (the runtime's own initialisers), and the export says so.
import { inferNetwork, type InferResult, type NetworkDoc } from '../core';
import { Model, selectBackend } from '../runtime';
import type { ExportSource } from './formats';
import type { Tensor } from './layout';
import { readProject, type Project } from './project/project';
import { ExportError } from './walk';

/** The network's parameters checked against the weights: every name present with its shape. */
function checkWeights(src: ExportSource): void {
  for (const p of src.net.parameters) {
    const w = src.weights[p.name];
    if (!w) throw new ExportError('E_EXPORT_INPUT', `the project's weights have no "${p.name}"`);
    if (w.shape.join(',') !== p.shape.join(','))
      throw new ExportError(
        'E_EXPORT_INPUT',
        `"${p.name}" is (${w.shape.join(', ')}) in the weights but (${p.shape.join(', ')}) in the network`,
      );
  }
}

/** Freshly initialised weights (Gluon layout), as a new training run would start; `seed` as training's. */
export async function initialWeights(doc: NetworkDoc, seed = 0): Promise<Record<string, Tensor>> {
  await selectBackend();
  const model = new Model(inferNetwork(doc), seed);
  try {
    return await model.params.toGluon();
  } finally {
    model.dispose();
  }
}

/**
 * An export source from a project (its trained weights when it has them). `check` runs on the network before
 * any weights are initialised (a format's compatibility check: a refusal costs nothing). `weights: false` (a
 * diagram) skips the weights: none are initialised and `weights` is empty.
 */
export async function sourceFromProject(
  p: Project,
  check?: (net: InferResult) => void,
  weights = true,
): Promise<ExportSource> {
  const net = inferNetwork(p.doc);
  if (net.errors.length) {
    const e = net.errors[0];
    throw new ExportError('E_EXPORT_INPUT', `the network has errors: ${e.code} at ${e.path || '(root)'}: ${e.message}`);
  }
  check?.(net);
  const trained = p.weights !== null && !p.doc.forceReinit;
  const src: ExportSource = {
    net,
    doc: p.doc,
    weights: !weights ? {} : trained ? p.weights! : await initialWeights(p.doc),
    trained,
    optimizer: p.optimizer,
    runs: p.runs,
  };
  if (weights) checkWeights(src);
  return src;
}

/** An export source from file bytes (.netloom zip or JSON project/document) or a document object. */
export async function loadSource(
  input: Uint8Array | unknown,
  check?: (net: InferResult) => void,
  weights = true,
): Promise<ExportSource> {
  const bytes = input instanceof Uint8Array ? input : new TextEncoder().encode(JSON.stringify(input));
  return sourceFromProject(readProject(bytes), check, weights);
}
