import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './errors';
import { idxPair, tempDir } from './fixtures';
import { encodeIdx, parseIdx, readIdxFile, readIdxPair } from './idx';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

async function write(name: string, data: Uint8Array) {
  const file = path.join(dir, name);
  await writeFile(file, data);
  return file;
}

/** Runs fn, expecting a DataError with `code` whose message names `file`. */
async function expectDataError(fn: () => Promise<unknown>, code: string, file: string) {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).code).toBe(code);
  expect((err as DataError).message).toContain(path.basename(file));
  return err as DataError;
}

describe('IDX reader', () => {
  it('reads plain and gzipped files to the same bytes, detecting gzip by magic', async () => {
    const { images, labels } = idxPair(7, 5, 4);
    const plain = await write('a-images', images);
    // A gzipped file without .gz in its name must still be recognised.
    const gz = await write('b-images-no-suffix', new Uint8Array(gzipSync(images)));
    const a = await readIdxFile(plain, 'images');
    const b = await readIdxFile(gz, 'images');
    expect(a.dims).toEqual([7, 5, 4]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(a.data[1 * 20 + 2 * 4 + 3]).toBe((1 + 2 + 3) % 256);
    const pair = await readIdxPair(plain, await write('a-labels.gz', new Uint8Array(gzipSync(labels))), 10);
    expect(pair.n).toBe(7);
    expect(pair.shape).toEqual([1, 5, 4]);
    expect(Array.from(pair.y)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects a truncated file, plain and gzipped', async () => {
    const { images } = idxPair(4, 3, 3);
    const cut = await write('cut-images', images.subarray(0, images.length - 5));
    const e = await expectDataError(() => readIdxFile(cut, 'images'), 'E_DATA_TRUNCATED', cut);
    expect(e.message).toMatch(/needs 52 bytes, file has 47/);
    const headerOnly = await write('header-images', images.subarray(0, 6));
    await expectDataError(() => readIdxFile(headerOnly, 'images'), 'E_DATA_TRUNCATED', headerOnly);
    const gz = gzipSync(images);
    const cutGz = await write('cut-images.gz', new Uint8Array(gz.subarray(0, gz.length - 10)));
    await expectDataError(() => readIdxFile(cutGz, 'images'), 'E_DATA_TRUNCATED', cutGz);
  });

  it('rejects trailing bytes, a gzip CRC failure and a missing file', async () => {
    const { labels } = idxPair(4);
    const long = await write('long-labels', new Uint8Array([...labels, 0, 0]));
    await expectDataError(() => readIdxFile(long, 'labels'), 'E_DATA_FORMAT', long);
    const gz = new Uint8Array(gzipSync(labels));
    gz[gz.length - 6] ^= 0xff; // flip a byte of the CRC32 trailer
    const bad = await write('crc-labels.gz', gz);
    await expectDataError(() => readIdxFile(bad, 'labels'), 'E_DATA_CHECKSUM', bad);
    const missing = path.join(dir, 'nope-labels');
    await expectDataError(() => readIdxFile(missing, 'labels'), 'E_DATA_NOT_FOUND', missing);
  });

  it('rejects wrong magic numbers and says when images and labels are swapped', async () => {
    const { images, labels } = idxPair(3, 2, 2);
    const swapped = await write('swapped-labels', images);
    const e = await expectDataError(() => readIdxFile(swapped, 'labels'), 'E_DATA_MAGIC', swapped);
    expect(e.message).toContain('0x00000801');
    expect(e.message).toContain('this is an IDX images file');
    const junk = labels.slice();
    junk[2] = 0x0d; // float type
    const f = await write('float-labels', junk);
    await expectDataError(() => readIdxFile(f, 'labels'), 'E_DATA_MAGIC', f);
    expect(() => parseIdx(new Uint8Array([1, 2]), 'tiny', 'labels')).toThrow(/tiny/);
  });

  it('rejects image/label count mismatches and labels outside the class range', async () => {
    const img = await write('n5-images', idxPair(5, 2, 2).images);
    const lab = await write('n4-labels', idxPair(4).labels);
    const e = await expectDataError(() => readIdxPair(img, lab, 10), 'E_DATA_COUNT_MISMATCH', img);
    expect(e.message).toContain('n4-labels');
    expect(e.message).toMatch(/5 images .* 4 labels/);
    const big = await write('big-labels', encodeIdx('labels', [5], new Uint8Array([0, 1, 2, 12, 3])));
    const r = await expectDataError(() => readIdxPair(img, big, 10), 'E_DATA_FORMAT', big);
    expect(r.message).toMatch(/label 12 at index 3/);
  });

  it('reads what encodeIdx writes, byte for byte', async () => {
    const { labels } = idxPair(3);
    expect(Array.from(labels.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 3]);
    const f = await write('rt-labels', labels);
    expect(Array.from(await readFile(f))).toEqual(Array.from(labels));
  });
});
