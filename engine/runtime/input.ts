// What a training step takes as its input batch: floats, or the data set's own bytes with the per-channel affine
// map that turns them into floats. Bytes are a quarter of the upload, and on wasm one SIMD kernel turns them into
// the input tensor in place (kernels/bytes-to-floats.ts), where the filler's float pass and the upload's copy were
// two passes over four times the data (MLP step: ~0.9 ms of ~10).

/** A batch as stored bytes (N·C·H·W): value = byte · scale[c] + shift[c], in float64, rounded to float32. */
export interface ByteBatch {
  bytes: Uint8Array;
  /** Per channel (C of each). */
  scale: Float32Array;
  shift: Float32Array;
  /** The same values as floats (the data filler's table): for other backends and the data-parallel workers. */
  floats(): Float32Array;
}

export type BatchInput = Float32Array | ByteBatch;

export const batchFloats = (x: BatchInput): Float32Array => (x instanceof Float32Array ? x : x.floats());
