// Built-in data sets (IDX files). Lookup order: the app cache, then system folders (Debian's
// dataset-fashion-mnist), then a download into the cache from the official location with MD5 check.
// System files are not MD5-checked: Debian re-gzipped them (same content, different .gz bytes), so the
// official table would reject good files. Every file still passes the IDX header and length checks.
import { access } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { downloadFile } from './download';
import { DataError } from './errors';
import { readIdxPair } from './idx';
import type { DataProgress, Split } from './types';

export type BuiltinName = 'fashion-mnist' | 'mnist';
export type IdxRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

export interface BuiltinFile {
  /** The official (gzipped) file name. */
  name: string;
  md5: string;
  /** Official size in bytes; only a progress estimate before the server tells. */
  size: number;
}

export interface BuiltinInfo {
  name: BuiltinName;
  classes: string[];
  inputShape: number[];
  files: Record<IdxRole, BuiltinFile>;
  /** Base URLs tried in order; the first is the official one. */
  urls: string[];
  /** Read-only folders a system package may provide. */
  systemDirs: string[];
}

export const ROLES: IdxRole[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

/** The data set table. To add a data set: one entry here (IDX files, MD5s from its authors, URLs). */
export const BUILTINS: Record<BuiltinName, BuiltinInfo> = {
  'fashion-mnist': {
    name: 'fashion-mnist',
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    inputShape: [1, 28, 28],
    // MD5s as published in zalandoresearch/fashion-mnist's README.
    files: {
      trainImages: { name: 'train-images-idx3-ubyte.gz', md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', size: 26421880 },
      trainLabels: { name: 'train-labels-idx1-ubyte.gz', md5: '25c81989df183df01b3e8a0aad5dffbe', size: 29515 },
      testImages: { name: 't10k-images-idx3-ubyte.gz', md5: 'bef4ecab320f06d8554ea6380940ec79', size: 4422102 },
      testLabels: { name: 't10k-labels-idx1-ubyte.gz', md5: 'bb300cfdad3c16e7a12a480ee83cd310', size: 5148 },
    },
    urls: [
      'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    ],
    systemDirs: ['/usr/share/datasets/fashion-mnist'],
  },
  mnist: {
    name: 'mnist',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    inputShape: [1, 28, 28],
    // The original files' MD5s (as checked by torchvision and others).
    files: {
      trainImages: { name: 'train-images-idx3-ubyte.gz', md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', size: 9912422 },
      trainLabels: { name: 'train-labels-idx1-ubyte.gz', md5: 'd53e105ee54ea40749a09fcbcd1e9432', size: 28881 },
      testImages: { name: 't10k-images-idx3-ubyte.gz', md5: '9fb629c4189551a2d022fa330f9573f3', size: 1648877 },
      testLabels: { name: 't10k-labels-idx1-ubyte.gz', md5: 'ec29112dd5afa0611ce80d1b7f02629c', size: 4542 },
    },
    // yann.lecun.com often refuses scripted downloads; the S3 mirror serves the same bytes (same MD5).
    urls: ['http://yann.lecun.com/exdb/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
    systemDirs: [],
  },
};

export const isBuiltinName = (s: string): s is BuiltinName => Object.hasOwn(BUILTINS, s);

export interface LocateOptions {
  /** The app cache root (data sets live in `<cacheDir>/datasets/<name>`). Default: $NETLOOM_CACHE, else $XDG_CACHE_HOME/netloom, else ~/.cache/netloom. */
  cacheDir?: string;
  /** Replaces the system folders of the table ([] skips them; tests use this). */
  systemDirs?: string[];
}

/** The app cache root, honouring the parameter, then $NETLOOM_CACHE, then XDG. */
export function cacheRoot(cacheDir?: string): string {
  if (cacheDir) return cacheDir;
  if (process.env.NETLOOM_CACHE) return process.env.NETLOOM_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'netloom');
}

export const datasetCacheDir = (name: string, cacheDir?: string) => path.join(cacheRoot(cacheDir), 'datasets', name);

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Accepted names for one file: the official .gz, gunzipped, and the `train-images.idx3-ubyte` spelling. */
const variants = (gzName: string) => {
  const plain = gzName.replace(/\.gz$/, '');
  return [gzName, plain, plain.replace('-idx', '.idx')];
};

async function findFile(dir: string, file: BuiltinFile): Promise<string | null> {
  for (const v of variants(file.name)) {
    const p = path.join(dir, v);
    if (await exists(p)) return p;
  }
  return null;
}

export interface Located {
  dir: string;
  location: 'cache' | 'system';
  files: Record<IdxRole, string>;
}

/** Finds a folder holding all four files (cache first, then system folders); null when none does. */
export async function locateBuiltin(name: BuiltinName, opts: LocateOptions = {}): Promise<Located | null> {
  const info = BUILTINS[name];
  const candidates: [string, 'cache' | 'system'][] = [
    [datasetCacheDir(name, opts.cacheDir), 'cache'],
    ...(opts.systemDirs ?? info.systemDirs).map((d): [string, 'system'] => [d, 'system']),
  ];
  for (const [dir, location] of candidates) {
    const found = await Promise.all(ROLES.map((r) => findFile(dir, info.files[r])));
    if (found.every((f) => f !== null)) {
      return {
        dir,
        location,
        files: Object.fromEntries(ROLES.map((r, i) => [r, found[i] as string])) as Record<IdxRole, string>,
      };
    }
  }
  return null;
}

export interface DatasetListing {
  name: BuiltinName;
  classes: string[];
  inputShape: number[];
  present: boolean;
  location: 'cache' | 'system' | null;
  /** Where the files are, or where a download would put them. */
  dir: string;
}

/** Which built-ins are on this machine and where; e.g. `(await listDatasets())[0]` → `{name: 'fashion-mnist', present: true, location: 'system', …}`. */
export async function listDatasets(opts: LocateOptions = {}): Promise<DatasetListing[]> {
  return Promise.all(
    (Object.keys(BUILTINS) as BuiltinName[]).map(async (name) => {
      const found = await locateBuiltin(name, opts);
      const { classes, inputShape } = BUILTINS[name];
      return {
        name,
        classes,
        inputShape,
        present: !!found,
        location: found?.location ?? null,
        dir: found?.dir ?? datasetCacheDir(name, opts.cacheDir),
      };
    }),
  );
}

export interface EnsureOptions extends LocateOptions {
  /** Replaces the table's URLs with one base URL (a mirror, or a local server in tests). */
  baseUrl?: string;
  /** Replaces MD5s by official file name, for mirrors serving re-packed files and for tests. */
  checksums?: Record<string, string>;
  /** `false` never touches the network: a missing data set is E_DATA_NOT_FOUND. */
  download?: boolean;
  onProgress?: (p: DataProgress) => void;
  signal?: AbortSignal;
}

/** Locates a built-in, downloading the missing files into the cache when needed. */
export async function ensureBuiltin(
  name: BuiltinName,
  opts: EnsureOptions = {},
): Promise<Located & { downloaded: boolean }> {
  const found = await locateBuiltin(name, opts);
  if (found) return { ...found, downloaded: false };
  const info = BUILTINS[name];
  const dir = datasetCacheDir(name, opts.cacheDir);
  if (opts.download === false) {
    throw new DataError(
      'E_DATA_NOT_FOUND',
      `data set ${name} is not in ${[dir, ...(opts.systemDirs ?? info.systemDirs)].join(' or ')}`,
      dir,
    );
  }
  await mkdir(dir, { recursive: true });
  // Only the files still missing are fetched, so an earlier partial run is not repeated.
  const missing: IdxRole[] = [];
  for (const r of ROLES) if (!(await findFile(dir, info.files[r]))) missing.push(r);
  const totals = new Map(missing.map((r) => [r, info.files[r].size]));
  let finished = 0;
  const bases = opts.baseUrl ? [opts.baseUrl] : info.urls;
  for (const r of missing) {
    const f = info.files[r];
    const sum = () => [...totals.values()].reduce((a, b) => a + b, 0);
    await downloadFile(
      bases.map((b) => new URL(f.name, b.endsWith('/') ? b : b + '/').href),
      path.join(dir, f.name),
      {
        md5: opts.checksums?.[f.name] ?? f.md5,
        size: f.size,
        signal: opts.signal,
        onProgress: (done, total) => {
          totals.set(r, total); // the server's size replaces the table's estimate
          opts.onProgress?.({ file: f.name, bytesDone: finished + done, bytesTotal: sum() });
        },
      },
    );
    finished += totals.get(r) ?? 0;
  }
  const located = await locateBuiltin(name, { ...opts, systemDirs: [] });
  if (!located) throw new DataError('E_DATA_NOT_FOUND', `data set ${name} is still incomplete after download`, dir);
  return { ...located, downloaded: true };
}

/** Loads a built-in's train and test parts as raw bytes (validated headers, counts and labels). */
export async function loadBuiltin(name: BuiltinName, opts: EnsureOptions = {}) {
  const info = BUILTINS[name];
  const loc = await ensureBuiltin(name, opts);
  const [train, test]: Split[] = await Promise.all([
    readIdxPair(loc.files.trainImages, loc.files.trainLabels, info.classes.length),
    readIdxPair(loc.files.testImages, loc.files.testLabels, info.classes.length),
  ]);
  const location: 'cache' | 'system' | 'downloaded' = loc.downloaded ? 'downloaded' : loc.location;
  return { info, train, test, dir: loc.dir, location, files: loc.files };
}
