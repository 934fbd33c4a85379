// PNG / JPEG decoding with pngjs and jpeg-js (pure JS: no native modules to build on users' machines).
// The format is chosen by magic bytes, not by extension, and any decoder failure names the file.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from './errors';
import { resizePlan, resizePlane } from './transforms';

export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved RGBA bytes, as both decoders produce. */
  rgba: Uint8Array;
  /** True when every pixel has r = g = b (grayscale files, and colour files that happen to be grey). */
  gray: boolean;
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array) => PNG_SIG.every((v, i) => b[i] === v);
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

export const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

/** Decodes a PNG or JPEG; e.g. `decodeImage(await readFile(f), f).gray`. */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (isPng(bytes)) {
      // pngjs rescales 16-bit and expands palettes/grey to 8-bit RGBA by default.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else if (isJpeg(bytes)) {
      // The memory cap keeps a hostile or huge JPEG from taking the engine host down.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      throw new Error('not a PNG or JPEG file (unrecognised magic bytes)');
    }
  } catch (e) {
    throw new DataError('E_DATA_DECODE', `cannot decode image: ${(e as Error).message ?? String(e)}`, file, {
      cause: e,
    });
  }
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) {
    throw new DataError('E_DATA_DECODE', `decoded image has no pixels (${width}×${height})`, file);
  }
  let gray = true;
  for (let i = 0; i < width * height * 4 && gray; i += 4) gray = rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2];
  return { width, height, rgba, gray };
}

/**
 * Converts RGBA to planar CHW bytes with `channels` 1 (luma of r, as the image is grey) or 3, resized
 * bilinearly to outH×outW. Alpha is dropped: class folders rarely rely on transparency.
 */
export function toChw(img: DecodedImage, channels: 1 | 3, outH: number, outW: number): Uint8Array {
  const { width: w, height: h, rgba } = img;
  const out = new Uint8Array(channels * outH * outW);
  const plane = new Float32Array(w * h);
  const resized = new Float32Array(outH * outW);
  const plan = w === outW && h === outH ? null : resizePlan(h, w, outH, outW);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < w * h; i++) plane[i] = rgba[i * 4 + c];
    if (plan) resizePlane(plan, plane, 0, resized, 0);
    const src = plan ? resized : plane;
    // Uint8Array assignment truncates, so round explicitly (bilinear values are within 0..255 already).
    for (let i = 0; i < outH * outW; i++) out[c * outH * outW + i] = Math.round(src[i]);
  }
  return out;
}
