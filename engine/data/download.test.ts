// The download path against a local HTTP server on 127.0.0.1 (the real network is not reachable in CI):
// progress, MD5 mismatch, interrupted transfers and Range resume.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltin, listDatasets } from './builtin';
import { downloadFile } from './download';
import { idxSetFiles, tempDir } from './fixtures';
import { loadDataset } from './load';
import type { DataProgress } from './types';

const files = idxSetFiles(300, 40);
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const checksums = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5(v)]));

/** Behaviour switches per test. `cutAfter`: bytes sent before the socket is destroyed (first request only). */
const mode = { cutAfter: 0, requests: [] as { url: string; range?: string }[] };
let server: http.Server;
let base: string;
let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/data\//, '');
    mode.requests.push({ url: req.url ?? '', range: req.headers.range });
    const body = files[name];
    if (!body) return void res.writeHead(404).end('not found');
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const slice = Buffer.from(body.subarray(start));
    res.writeHead(m ? 206 : 200, {
      'content-length': slice.length,
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (mode.cutAfter > 0) {
      const cut = mode.cutAfter;
      mode.cutAfter = 0;
      // Send part of the body, then kill the connection as a flaky network would.
      res.write(slice.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeAll(async () => void (tmp = await tempDir()));
afterAll(() => tmp.cleanup());
afterEach(() => {
  mode.cutAfter = 0;
  mode.requests = [];
});

let n = 0;
const freshCache = () => path.join(tmp.dir, `cache${n++}`);

describe('built-in download', () => {
  it('downloads the missing files into the cache with MD5 check and monotonic progress', async () => {
    const cacheDir = freshCache();
    const progress: DataProgress[] = [];
    const ds = await loadDataset({
      source: 'mnist',
      cacheDir,
      baseUrl: base,
      checksums,
      onProgress: (p) => progress.push(p),
    });
    expect(ds.source.location).toBe('downloaded');
    expect(ds.train.n).toBe(300);
    expect(ds.test.n).toBe(40);
    const dir = path.join(cacheDir, 'datasets', 'mnist');
    expect((await readdir(dir)).sort()).toEqual(Object.keys(files).sort()); // no .part left behind
    const total = Object.values(files).reduce((a, b) => a + b.length, 0);
    const last = progress[progress.length - 1];
    expect(last.bytesDone).toBe(total);
    expect(last.bytesTotal).toBe(total);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].bytesDone).toBeGreaterThanOrEqual(progress[i - 1].bytesDone);
    // A second load finds the cache and never touches the network.
    mode.requests = [];
    const again = await loadDataset({ source: 'mnist', cacheDir, baseUrl: base, checksums });
    expect(again.source.location).toBe('cache');
    expect(mode.requests).toEqual([]);
    const listing = (await listDatasets({ cacheDir })).find((d) => d.name === 'mnist');
    expect(listing).toMatchObject({ present: true, location: 'cache', dir });
  });

  it('refuses a file whose MD5 differs from the official table and leaves nothing behind', async () => {
    const cacheDir = freshCache();
    // No checksum override: the generated files cannot match MNIST's published MD5s.
    const err = await ensureBuiltin('mnist', { cacheDir, baseUrl: base }).catch((e) => e);
    expect(err.code).toBe('E_DATA_CHECKSUM');
    expect(err.message).toContain('train-images-idx3-ubyte.gz');
    expect(err.message).toContain('f68b3c2dcbeaaa9fbdd348bbdeb94873');
    expect(await readdir(path.join(cacheDir, 'datasets', 'mnist'))).toEqual([]);
  });

  it('never takes an interrupted .part as complete, and resumes it with a Range request', async () => {
    const cacheDir = freshCache();
    const dir = path.join(cacheDir, 'datasets', 'mnist');
    const cut = Math.floor(files['train-images-idx3-ubyte.gz'].length / 2);
    mode.cutAfter = cut;
    const err = await ensureBuiltin('mnist', { cacheDir, baseUrl: base, checksums }).catch((e) => e);
    expect(err.code).toBe('E_DATA_DOWNLOAD');
    expect(err.message).toMatch(/interrupted/);
    expect(existsSync(path.join(dir, 'train-images-idx3-ubyte.gz'))).toBe(false);
    expect(existsSync(path.join(dir, 'train-images-idx3-ubyte.gz.part'))).toBe(true);
    const listing = (await listDatasets({ cacheDir })).find((d) => d.name === 'mnist');
    expect(listing?.present).toBe(false);
    await expect(loadDataset({ source: 'mnist', cacheDir, download: false })).rejects.toMatchObject({
      code: 'E_DATA_NOT_FOUND',
    });

    mode.requests = [];
    const ok = await ensureBuiltin('mnist', { cacheDir, baseUrl: base, checksums });
    expect(ok.downloaded).toBe(true);
    expect(mode.requests[0]).toEqual({ url: '/data/train-images-idx3-ubyte.gz', range: `bytes=${cut}-` });
    const got = await readFile(path.join(dir, 'train-images-idx3-ubyte.gz'));
    expect(md5(got)).toBe(checksums['train-images-idx3-ubyte.gz']);
  });

  it('shares one transfer between concurrent loads of the same data set', async () => {
    const cacheDir = freshCache();
    const [a, b] = await Promise.all([
      ensureBuiltin('mnist', { cacheDir, baseUrl: base, checksums }),
      ensureBuiltin('mnist', { cacheDir, baseUrl: base, checksums }),
    ]);
    expect(a.dir).toBe(b.dir);
    expect(mode.requests.length).toBe(4); // each file fetched once, not twice into the same .part
  });

  it('falls through to the next mirror and reports HTTP errors', async () => {
    const dest = path.join(tmp.dir, 'mirror-labels.gz');
    const name = 't10k-labels-idx1-ubyte.gz';
    await downloadFile([base + 'missing/' + name, base + name], dest, { md5: checksums[name] });
    expect(md5(await readFile(dest))).toBe(checksums[name]);
    const err = await downloadFile(base + 'nope.gz', path.join(tmp.dir, 'nope.gz')).catch((e) => e);
    expect(err.code).toBe('E_DATA_DOWNLOAD');
    expect(err.message).toMatch(/HTTP 404/);
  });

  it('cancels through an AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await downloadFile(base + 't10k-labels-idx1-ubyte.gz', path.join(tmp.dir, 'c.gz'), {
      signal: ac.signal,
    }).catch((e) => e);
    expect(err.code).toBe('E_DATA_CANCELLED');
  });
});
