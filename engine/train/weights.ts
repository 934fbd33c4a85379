// Trained weights in a project file: float32 little-endian, base64, Gluon layout, keyed by Gluon name.
// Reading them back is where a damaged or diverged file shows up, so every problem is a coded one-line
// WeightsError naming the tensor (a hand-edited file, a truncated copy, a run that went NaN).
import type { NetworkDoc, ParamInfo, Weights } from '../core';
import type { GluonTensor } from '../runtime';

export type WeightsErrorCode =
  | 'E_WEIGHTS_CORRUPT' // not base64, or a byte count that does not match the shape (a truncated file)
  | 'E_WEIGHTS_MISSING' // the network has a parameter the weights do not
  | 'E_WEIGHTS_SHAPE' // a parameter whose shape differs from the network's
  | 'E_WEIGHTS_NONFINITE'; // NaN or infinite values: every prediction would be NaN

export class WeightsError extends Error {
  constructor(
    readonly code: WeightsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WeightsError';
  }
}

const fmt = (s: readonly number[]) => `(${s.join(', ')})`;
// Node's base64 decoder skips characters it does not know; a strict check catches text that is not base64 at all.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function encodeWeights(w: Record<string, GluonTensor>): Weights {
  const out: Weights = {};
  for (const [name, t] of Object.entries(w)) {
    out[name] = {
      shape: t.shape,
      data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64'),
    };
  }
  return out;
}

/**
 * Checks, without decoding, that the weights have every parameter of the network in its shape (cheap: run it
 * before allocating a model). Extra tensors are ignored, as Gluon's `load_parameters(allow_extra)` would.
 */
export function checkWeightsFit(w: Weights, params: readonly ParamInfo[]): void {
  const missing = params.filter((p) => !w[p.name]);
  if (missing.length)
    throw new WeightsError(
      'E_WEIGHTS_MISSING',
      `the weights have no "${missing[0].name}"${missing.length > 1 ? ` (and ${missing.length - 1} more of the network's ${params.length} parameters)` : ''}`,
    );
  for (const p of params) {
    if (fmt(w[p.name].shape) !== fmt(p.shape))
      throw new WeightsError(
        'E_WEIGHTS_SHAPE',
        `weights "${p.name}" have shape ${fmt(w[p.name].shape)} but the network's parameter is ${fmt(p.shape)}`,
      );
  }
}

/** Decodes every tensor (and, given the network's parameters, checks the fit first). Throws WeightsError. */
export function decodeWeights(w: Weights, params?: readonly ParamInfo[]): Record<string, GluonTensor> {
  if (params) checkWeightsFit(w, params);
  const out: Record<string, GluonTensor> = {};
  for (const [name, t] of Object.entries(w)) {
    if (t.data.length % 4 !== 0 || !BASE64.test(t.data))
      throw new WeightsError('E_WEIGHTS_CORRUPT', `weights "${name}" are not valid base64`);
    const bytes = Buffer.from(t.data, 'base64');
    const expected = t.shape.reduce((a, b) => a * b, 1) * 4;
    if (bytes.length !== expected)
      throw new WeightsError(
        'E_WEIGHTS_CORRUPT',
        `weights "${name}": ${bytes.length} bytes for shape ${fmt(t.shape)}, expected ${expected} (a truncated file?)`,
      );
    // Copy into an aligned buffer: a Buffer slice may start at an offset Float32Array cannot view.
    const data = new Float32Array(new Uint8Array(bytes).buffer);
    let bad = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
    if (bad)
      throw new WeightsError(
        'E_WEIGHTS_NONFINITE',
        `weights "${name}": ${bad === data.length ? 'all' : `${bad} of`} ${data.length} values are NaN or infinite (saved from a run that diverged?); retrain, or set "forceReinit": true`,
      );
    out[name] = { shape: t.shape, data };
  }
  return out;
}

/** The document with trained weights attached (the project file that reopens exactly). */
export function withWeights(doc: NetworkDoc, w: Record<string, GluonTensor>): NetworkDoc {
  return { ...doc, weights: encodeWeights(w) };
}
