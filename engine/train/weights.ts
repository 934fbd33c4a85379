// Trained weights in a project file: float32 little-endian, base64, Gluon layout, keyed by Gluon name.
import type { NetworkDoc, Weights } from '../core';
import type { GluonTensor } from '../runtime';

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

export function decodeWeights(w: Weights): Record<string, GluonTensor> {
  const out: Record<string, GluonTensor> = {};
  for (const [name, t] of Object.entries(w)) {
    const bytes = Buffer.from(t.data, 'base64');
    const expected = t.shape.reduce((a, b) => a * b, 1) * 4;
    if (bytes.length !== expected)
      throw new Error(
        `weights "${name}": ${bytes.length} bytes for shape (${t.shape.join(', ')}), expected ${expected}`,
      );
    // Copy into an aligned buffer: a Buffer slice may start at an offset Float32Array cannot view.
    out[name] = { shape: t.shape, data: new Float32Array(new Uint8Array(bytes).buffer) };
  }
  return out;
}

/** The document with trained weights attached (the project file that reopens exactly). */
export function withWeights(doc: NetworkDoc, w: Record<string, GluonTensor>): NetworkDoc {
  return { ...doc, weights: encodeWeights(w) };
}
