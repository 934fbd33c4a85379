// A training step's input batch from a filler: the stored bytes where the split keeps them at the input shape (a
// quarter of the upload, and the wasm backend turns them into the input tensor in one pass: runtime/input.ts),
// else floats. The trainer and `npm run bench` fill their steps through this, so the bench times the trainer's path.
import type { BatchFiller } from '../data';
import type { BatchInput } from '../runtime';

export interface StepInputs {
  /** The labels of the last batch filled. */
  y: Int32Array;
  /** Samples order[start … start+n) as the step's input; valid until the next call. */
  next(order: ArrayLike<number> | null, start: number, n: number): BatchInput;
}

export function stepInputs(filler: BatchFiller, batchSize: number): StepInputs {
  const size = filler.sampleSize;
  const x = new Float32Array(batchSize * size);
  const y = new Int32Array(batchSize);
  const raw = filler.bytes ? new Uint8Array(Math.ceil((batchSize * size) / 4) * 4) : null; // whole int32 words
  return {
    y,
    next(order, start, n) {
      const floats = () => (filler.fill(order, start, n, x, y), x.subarray(0, n * size));
      if (!filler.bytes || !raw) return floats();
      filler.bytes.fill(order, start, n, raw, y);
      let asFloats: Float32Array | undefined;
      return {
        bytes: raw.subarray(0, n * size),
        scale: filler.bytes.scale,
        shift: filler.bytes.shift,
        floats: () => (asFloats ??= floats()),
      };
    },
  };
}
