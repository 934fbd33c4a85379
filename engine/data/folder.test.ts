import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './image';
import { jpegBytes, pngBytes, rgbaImage, tempDir, writeFiles } from './fixtures';
import { loadImageFolder } from './folder';
import { loadDataset } from './load';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => void (tmp = await tempDir()));
afterAll(() => tmp.cleanup());
let k = 0;
const fresh = () => path.join(tmp.dir, `set${k++}`);

describe('image decoding', () => {
  it('decodes PNG exactly and JPEG closely, telling grey from colour', () => {
    const grey = rgbaImage(6, 4, 1, true);
    const png = decodeImage(pngBytes(6, 4, grey), 'g.png');
    expect(png).toMatchObject({ width: 6, height: 4, gray: true });
    expect(Array.from(png.rgba)).toEqual(Array.from(grey));
    const colour = rgbaImage(8, 8, 2, false);
    expect(decodeImage(pngBytes(8, 8, colour), 'c.png').gray).toBe(false);
    const flat = new Uint8Array(16 * 16 * 4).fill(200);
    const jpg = decodeImage(jpegBytes(16, 16, flat), 'f.jpg');
    expect(jpg.gray).toBe(true);
    expect(Math.abs(jpg.rgba[0] - 200)).toBeLessThanOrEqual(2);
  });

  it('names the file it cannot decode', () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]), '/x/bad.png')).toThrow(/\/x\/bad\.png.*not a PNG or JPEG/);
    const png = pngBytes(4, 4, rgbaImage(4, 4, 3, true));
    expect(() => decodeImage(png.subarray(0, 40), '/x/cut.png')).toThrow(
      expect.objectContaining({ code: 'E_DATA_DECODE' }),
    );
  });
});

describe('image folders', () => {
  it('loads grey PNG and JPEG class folders into 1-channel CHW bytes', async () => {
    const root = fresh();
    const a = rgbaImage(5, 3, 10, true);
    await writeFiles(path.join(root, 'cat'), {
      '1.png': pngBytes(5, 3, a),
      '2.png': pngBytes(5, 3, rgbaImage(5, 3, 11, true)),
      'notes.txt': 'ignored',
    });
    await writeFiles(path.join(root, 'dog'), { 'x.jpg': jpegBytes(5, 3, new Uint8Array(60).fill(90)) });
    await writeFile(path.join(root, 'README.md'), 'loose files are ignored');
    const f = await loadImageFolder(root);
    expect(f.classes).toEqual(['cat', 'dog']);
    expect(f.test).toBeNull();
    expect(f.train.n).toBe(3);
    expect(f.train.shape).toEqual([1, 3, 5]);
    expect(Array.from(f.train.y)).toEqual([0, 0, 1]);
    // First sample is the first PNG's grey values, plane by plane (row-major H×W).
    expect(Array.from(f.train.x.subarray(0, 15))).toEqual(Array.from({ length: 15 }, (_, i) => a[i * 4]));
    expect(Math.abs(f.train.x[2 * 15] - 90)).toBeLessThanOrEqual(2);
  });

  it('goes to 3 channels when any image has colour, resizing to the target size', async () => {
    const root = fresh();
    const colour = rgbaImage(4, 4, 20, false);
    await writeFiles(path.join(root, 'train', 'red'), { 'a.png': pngBytes(4, 4, colour) });
    await writeFiles(path.join(root, 'train', 'grey'), { 'b.png': pngBytes(8, 6, rgbaImage(8, 6, 21, true)) });
    await writeFiles(path.join(root, 'test', 'red'), { 'c.jpeg': jpegBytes(4, 4, colour, 100) });
    const f = await loadImageFolder(root, { resize: [2, 2] });
    expect(f.classes).toEqual(['grey', 'red']);
    expect(f.train.shape).toEqual([3, 2, 2]);
    expect(f.test?.n).toBe(1);
    expect(Array.from(f.train.y)).toEqual([0, 1]);
    // red/a.png: 4×4 → 2×2 averages each 2×2 block of channel 0 (rounded to a byte).
    const r = (y: number, x: number) => colour[(y * 4 + x) * 4];
    const avg = Math.round((r(0, 0) + r(0, 1) + r(1, 0) + r(1, 1)) / 4);
    expect(Math.abs(f.train.x[12] - avg)).toBeLessThanOrEqual(1);
    // Grey image repeated into three equal planes.
    const g = f.train.x.subarray(0, 12);
    expect(Array.from(g.subarray(0, 4))).toEqual(Array.from(g.subarray(4, 8)));
  });

  it('rejects an empty class folder, naming it', async () => {
    const root = fresh();
    await writeFiles(path.join(root, 'cat'), { '1.png': pngBytes(2, 2, rgbaImage(2, 2, 1, true)) });
    await mkdir(path.join(root, 'dog'));
    await writeFiles(path.join(root, 'dog'), { 'readme.txt': 'no images here' });
    await expect(loadImageFolder(root)).rejects.toMatchObject({
      code: 'E_DATA_EMPTY_CLASS',
      message: expect.stringContaining(path.join(root, 'dog')),
    });
  });

  it('rejects an undecodable image, a folder without classes and a missing folder', async () => {
    const root = fresh();
    await writeFiles(path.join(root, 'cat'), {
      'ok.png': pngBytes(2, 2, rgbaImage(2, 2, 1, true)),
      'broken.jpg': 'this is not a jpeg',
    });
    await expect(loadImageFolder(root)).rejects.toMatchObject({
      code: 'E_DATA_DECODE',
      message: expect.stringContaining('broken.jpg'),
    });
    const flat = fresh();
    await writeFiles(flat, { 'a.png': pngBytes(2, 2, rgbaImage(2, 2, 1, true)) });
    await expect(loadImageFolder(flat)).rejects.toMatchObject({ code: 'E_DATA_FORMAT' });
    await expect(loadImageFolder(path.join(tmp.dir, 'absent'))).rejects.toMatchObject({ code: 'E_DATA_NOT_FOUND' });
  });

  it('loads through loadDataset with a seeded test hold-out and [0,1] batches', async () => {
    const root = fresh();
    for (const c of ['a', 'b']) {
      const imgs: Record<string, Uint8Array> = {};
      for (let i = 0; i < 10; i++) imgs[`${i}.png`] = pngBytes(3, 3, rgbaImage(3, 3, i + (c === 'b' ? 100 : 0), true));
      await writeFiles(path.join(root, c), imgs);
    }
    const ds = await loadDataset({ source: root, resize: [6, 6], split: 0.25 });
    expect(ds.source.kind).toBe('folder');
    expect(ds.inputShape).toEqual([1, 6, 6]);
    expect(ds.test.n).toBe(4);
    expect(ds.train.n + (ds.validation?.n ?? 0)).toBe(16);
    expect(ds.validation?.n).toBe(4);
    expect(ds.normalize.scale).toBeCloseTo(1 / 255);
    const again = await loadDataset({ source: root, resize: [6, 6], split: 0.25 });
    expect(Array.from(again.test.x)).toEqual(Array.from(ds.test.x));
  });
});
