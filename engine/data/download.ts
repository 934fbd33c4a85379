// Downloads into `<dest>.part` and renames only after the whole body arrived and its MD5 matched, so a
// half-written file is never mistaken for a complete one (lookups ignore `.part`). An interrupted `.part`
// is kept and resumed with an HTTP Range request next time; a checksum mismatch deletes it.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { DataError } from './errors';

export interface DownloadOptions {
  /** Expected MD5 (hex); the file is refused and deleted when it differs. */
  md5?: string;
  /** Expected size, used for progress when the server sends no Content-Length. */
  size?: number;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  signal?: AbortSignal;
  /** Abort when no byte arrived for this long (default 30 s): a stalled socket must not hang training. */
  idleTimeoutMs?: number;
}

const partSize = async (file: string) => {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
};

async function hashFile(hash: Hash, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/** Parses `bytes 100-199/200` → start 100; null when absent or malformed. */
const rangeStart = (h: string | null) => {
  const m = h ? /^bytes (\d+)-/.exec(h) : null;
  return m ? Number(m[1]) : null;
};

/** One attempt from one URL. Throws DataError; leaves `.part` only when the transfer was cut short. */
async function fetchOnce(url: string, dest: string, opts: DownloadOptions): Promise<void> {
  const part = dest + '.part';
  let have = await partSize(part);
  const idle = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error('no data received')), opts.idleTimeoutMs ?? 30_000);
  };
  const fail = (e: unknown, what: string): DataError => {
    if (opts.signal?.aborted)
      return new DataError('E_DATA_CANCELLED', `download of ${url} was cancelled`, dest, { cause: e });
    return new DataError('E_DATA_DOWNLOAD', `${what} ${url}: ${(e as Error)?.message ?? String(e)}`, dest, {
      cause: e,
    });
  };
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal, headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
      if (res.status === 416 && have > 0) {
        // The server cannot serve from our offset (the part is stale or complete but unverified): restart.
        await rm(part, { force: true });
        have = 0;
        res = await fetch(url, { signal });
      }
    } catch (e) {
      throw fail(e, 'cannot reach');
    }
    if (!res.ok || !res.body)
      throw new DataError('E_DATA_DOWNLOAD', `HTTP ${res.status} ${res.statusText} from ${url}`, dest);
    if (res.status === 206 && rangeStart(res.headers.get('content-range')) !== have) {
      // A range from another offset cannot be appended; drop the part so the next attempt starts clean.
      await res.body.cancel().catch(() => {});
      await rm(part, { force: true });
      throw new DataError('E_DATA_DOWNLOAD', `${url} answered a range other than bytes=${have}-`, dest);
    }
    // A 200 means the server ignored our Range: start over rather than append a second copy.
    if (res.status !== 206) have = 0;
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? have + length : (opts.size ?? 0);
    const hash = createHash('md5');
    if (have > 0) await hashFile(hash, part);
    const fh = await open(part, have > 0 ? 'a' : 'w');
    let done = have;
    try {
      opts.onProgress?.(done, total);
      const reader = res.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          throw fail(e, `interrupted after ${done} of ${total || '?'} bytes from`);
        }
        if (chunk.done) break;
        arm();
        hash.update(chunk.value);
        await fh.write(chunk.value);
        done += chunk.value.length;
        opts.onProgress?.(done, Math.max(total, done));
      }
    } finally {
      await fh.close();
    }
    if (Number.isFinite(length) && done < total) {
      throw new DataError('E_DATA_DOWNLOAD', `interrupted after ${done} of ${total} bytes from ${url}`, dest);
    }
    const got = hash.digest('hex');
    if (opts.md5 && got !== opts.md5.toLowerCase()) {
      await rm(part, { force: true });
      throw new DataError(
        'E_DATA_CHECKSUM',
        `MD5 of ${url} is ${got}, expected ${opts.md5}; the download was deleted`,
        dest,
      );
    }
    await rename(part, dest);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads `dest` from the first URL that works, MD5-checked, via `dest.part`.
 * e.g. `await downloadFile([official, mirror], '/cache/x.gz', { md5, onProgress: (d, t) => bar(d / t) })`.
 */
export function downloadFile(urls: string | string[], dest: string, opts: DownloadOptions = {}): Promise<void> {
  // Two loads of the same data set in one process share one transfer instead of interleaving writes into
  // the same .part (separate processes are not coordinated; the MD5 check still refuses a garbled file).
  const running = inflight.get(dest);
  if (running) return running;
  const p = downloadFrom(urls, dest, opts).finally(() => inflight.delete(dest));
  inflight.set(dest, p);
  return p;
}

const inflight = new Map<string, Promise<void>>();

async function downloadFrom(urls: string | string[], dest: string, opts: DownloadOptions): Promise<void> {
  const list = Array.isArray(urls) ? urls : [urls];
  let last: unknown = new DataError('E_DATA_DOWNLOAD', 'no URL to download from', dest);
  for (const url of list) {
    try {
      await fetchOnce(url, dest, opts);
      return;
    } catch (e) {
      if (e instanceof DataError && e.code === 'E_DATA_CANCELLED') throw e;
      last = e; // try the next mirror; the MD5 keeps mirrors honest
    }
  }
  throw last;
}
