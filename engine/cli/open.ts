// Opening a network for a command: the document, the checks that must come before any tensor exists (weights
// that fit the network, memory the machine has) and the session, with every known failure as a one-line CliError
// carrying its code. This file stays light (engine/core, no tfjs): the runtime is imported only once the command
// line has been validated, so a usage error answers in a fraction of the time.
import os from 'node:os';
import { estimateMemoryBytes, inferNetwork, memoryParts, type InferResult } from '../core';
import type { Session, SessionSpec } from '../train';
import { checkWeightsFit } from '../train/weights';
import { CliError } from './args';
import { loadProject } from './load';

/**
 * train's network: a template, a legacy JSON project or a `.netloom` zip, with the project's training settings.
 * `trainedFrom` names the file when its trained weights are where the run starts; `fresh` (train's --fresh) leaves
 * them out, so the run starts from new initial weights as the document's initializers say.
 */
export function loadNetwork(
  ref: string,
  fresh = false,
): { net: InferResult; text: string; trainedFrom: string | null } {
  const { text } = loadProject(ref);
  const net = inferNetwork(text);
  if (!net.doc?.weights || net.doc.forceReinit) return { net, text, trainedFrom: null };
  if (!fresh) return { net, text, trainedFrom: ref };
  const { weights: _dropped, ...doc } = JSON.parse(text) as { weights?: unknown };
  const without = JSON.stringify(doc);
  return { net: inferNetwork(without), text: without, trainedFrom: null };
}

/**
 * predict's and evaluate's network, one loader for both: a template, a legacy JSON project or a `.netloom` zip;
 * `trained` when it carries weights it means to use (not `forceReinit`).
 */
export function loadPredictable(ref: string): { net: InferResult; text: string; trained: boolean } {
  const { text } = loadProject(ref);
  const net = inferNetwork(text);
  if (!net.doc || net.errors.length) throw invalidNetwork(net); // before "not trained": the file's own fault first
  return { net, text, trained: !!net.doc?.weights && !net.doc.forceReinit };
}

const bytes = (n: number) => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
};

/** One line for a broken document (exit 1: the file is at fault): its first error and how many more. */
function invalidNetwork(net: InferResult): CliError {
  const [e] = net.errors;
  const more = net.errors.length > 1 ? ` (and ${net.errors.length - 1} more: see netloom info)` : '';
  return new CliError(`the network is invalid${e.path ? ` at ${e.path}` : ''}: ${e.message}${more}`, e.code, 1);
}

/**
 * Before allocating: the document is valid, its weights fit the network, and parameters plus one batch of
 * activations (plus, with `workers` > 1, each worker's replica and gradients) fit in the machine's memory
 * (engine/core's estimate, a lower bound of what training needs). `have`: the machine's memory (tests pass less).
 */
export function checkBeforeAllocating(net: InferResult, batch: number, workers = 1, have = os.totalmem()): void {
  if (!net.doc || net.errors.length) throw invalidNetwork(net);
  if (net.doc.weights && !net.doc.forceReinit) checkWeightsFit(net.doc.weights, net.parameters);
  const need = estimateMemoryBytes(net, batch, workers);
  if (need > have) {
    const m = memoryParts(net, batch, workers);
    const replicas = m.replicas ? ` + ${workers} workers' replicas and gradients ${bytes(m.replicas)}` : '';
    const hint =
      m.replicas > have / 2
        ? '; try fewer --workers'
        : batch > 1 && m.activations > have / 2
          ? '; try a smaller --batch-size'
          : '';
    throw new CliError(
      `${net.name} needs at least ${bytes(need)} (parameters ${bytes(m.params)}${replicas} + activations of a batch of ${batch} ${bytes(m.activations)}) but this machine has ${bytes(have)}${hint}`,
      'E_EXCEEDS_MEMORY',
      1,
    );
  }
}

/**
 * Coded errors of the layers below (SessionError, DataError, WeightsError, WriteError: each has a stable `code`)
 * → CliError. A network or data set that does not fit what was asked is usage (exit 2); a broken file, a failed
 * write or a missing resource is a failure (exit 1). Null for anything uncoded (a bug: reported as E_INTERNAL).
 */
const USAGE_CODES = /^(E_DATA_|E_INPUT_MISMATCH$|E_CLASSES_MISMATCH$)/;
export function toCliError(e: unknown): CliError | null {
  if (e instanceof CliError) return e;
  if (!(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^E_[A-Z0-9_]+$/.test(code))
    return new CliError(e.message.split('\n')[0], code, USAGE_CODES.test(code) ? 2 : 1);
  // The backend registry's own errors (engine/runtime throws them uncoded).
  if (/^Unknown backend/.test(e.message)) return new CliError(e.message);
  if (/^Backend '.*' is not available|^No tfjs backend/.test(e.message))
    return new CliError(e.message, 'E_BACKEND_UNAVAILABLE', 1);
  return null;
}

/** The session, after the runtime is loaded (the first tfjs import happens here). */
export async function openChecked(spec: SessionSpec): Promise<Session> {
  const { openSession } = await import('../train');
  try {
    return await openSession(spec);
  } catch (e) {
    throw toCliError(e) ?? e;
  }
}
