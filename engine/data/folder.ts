// Image-folder data sets: `root/<class>/*.png|jpg`, or `root/train/<class>/…` plus `root/test/<class>/…`.
// Classes are the sub-folder names in sorted order (stable label indices across machines). Every image is
// resized once at load to a common size (the `resize` option, else the first image's size) and kept as
// bytes; the channel count is 1 when every image is grey, else 3 (grey images are repeated into RGB).
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from './errors';
import { decodeImage, IMAGE_EXTENSIONS, toChw, type DecodedImage } from './image';
import type { Split } from './types';

export interface FolderOptions {
  /** Target [height, width]; default: the first image's size. */
  resize?: [number, number];
  signal?: AbortSignal;
}

export interface FolderData {
  classes: string[];
  train: Split;
  /** Present when the folder has train/ and test/ sub-folders. */
  test: Split | null;
}

const visible = (e: Dirent) => !e.name.startsWith('.');

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter(visible)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'E_DATA_NOT_FOUND' : 'E_DATA_FORMAT',
      `cannot read folder (${code ?? String(e)})`,
      dir,
      { cause: e },
    );
  }
}

/** Class name → image files (sorted), for one folder of class folders. */
export async function scanClasses(dir: string): Promise<Map<string, string[]>> {
  const classes = new Map<string, string[]>();
  for (const e of await entries(dir)) {
    if (!e.isDirectory()) continue; // loose files next to class folders (README, labels.txt) are not samples
    const files = (await entries(path.join(dir, e.name)))
      .filter((f) => f.isFile() && IMAGE_EXTENSIONS.test(f.name))
      .map((f) => path.join(dir, e.name, f.name));
    if (files.length === 0) {
      throw new DataError(
        'E_DATA_EMPTY_CLASS',
        `class folder "${e.name}" has no PNG or JPEG images`,
        path.join(dir, e.name),
      );
    }
    classes.set(e.name, files);
  }
  if (classes.size === 0)
    throw new DataError('E_DATA_FORMAT', 'no class sub-folders (expected one folder of images per class)', dir);
  return classes;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Loads an image-folder data set; e.g. `await loadImageFolder('~/pets', { resize: [64, 64] })`. */
export async function loadImageFolder(root: string, opts: FolderOptions = {}): Promise<FolderData> {
  const top = await entries(root);
  const names = new Set(top.filter((e) => e.isDirectory()).map((e) => e.name));
  const hasParts = names.has('train') && names.has('test');
  const trainMap = await scanClasses(hasParts ? path.join(root, 'train') : root);
  const testMap = hasParts ? await scanClasses(path.join(root, 'test')) : null;
  const classes = [...trainMap.keys()];
  for (const c of testMap?.keys() ?? []) {
    if (!trainMap.has(c))
      throw new DataError('E_DATA_FORMAT', `test class "${c}" has no train folder`, path.join(root, 'test', c));
  }

  let size = opts.resize ?? null;
  let allGray = true;
  let decoded = 0;
  // Decode part by part; each image is resized right away to RGB bytes so full-size decodes never pile up.
  const decodePart = async (map: Map<string, string[]>) => {
    const samples: Uint8Array[] = [];
    const labels: number[] = [];
    for (const [label, files] of map) {
      for (const file of files) {
        if (opts.signal?.aborted) throw new DataError('E_DATA_CANCELLED', 'loading was cancelled', root);
        let img: DecodedImage;
        try {
          img = decodeImage(await readFile(file), file);
        } catch (e) {
          if (e instanceof DataError) throw e;
          throw new DataError('E_DATA_DECODE', `cannot read image (${(e as Error).message})`, file, { cause: e });
        }
        size ??= [img.height, img.width];
        allGray &&= img.gray;
        samples.push(toChw(img, 3, size[0], size[1]));
        labels.push(classes.indexOf(label));
        // Decoding is synchronous CPU work: let protocol messages through every few images.
        if (++decoded % 16 === 0) await nextTick();
      }
    }
    return { samples, labels };
  };
  const trainRaw = await decodePart(trainMap);
  const testRaw = testMap ? await decodePart(testMap) : null;
  const [h, w] = size as [number, number];
  const channels = allGray ? 1 : 3;
  const pack = ({ samples, labels }: { samples: Uint8Array[]; labels: number[] }): Split => {
    const per = channels * h * w;
    const x = new Uint8Array(samples.length * per);
    // For grey sets keep only the first plane (all three are equal).
    samples.forEach((s, i) => x.set(channels === 3 ? s : s.subarray(0, per), i * per));
    return { x, y: Int32Array.from(labels), n: samples.length, shape: [channels, h, w] };
  };
  return { classes, train: pack(trainRaw), test: testRaw ? pack(testRaw) : null };
}
