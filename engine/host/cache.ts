// The app cache root ($NETLOOM_CACHE, else XDG's ~/.cache/netloom), for the desktop shell's launcher:
// electron/ may import engine/host but not engine/data, where the one definition lives. Also small JSON answers
// that are slow to compute and cheap to keep (the backend speed probe): a missing or corrupt file is no answer.
import fs from 'node:fs';
import path from 'node:path';
import { cacheRoot } from '../data/builtin';
import { writeFileAtomic } from '../io';

export { cacheRoot };

/** The path of a file in the app cache. */
export const cacheFile = (name: string) => path.join(cacheRoot(), name);

/** A JSON file of the app cache, or null when it is missing or unreadable (the caller computes it again). */
export function readCacheJson(name: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(name), 'utf8'));
  } catch {
    return null;
  }
}

/** Writes a JSON file of the app cache atomically; a cache that cannot be written costs only a later recompute. */
export function writeCacheJson(name: string, value: unknown): boolean {
  try {
    fs.mkdirSync(cacheRoot(), { recursive: true });
    writeFileAtomic(cacheFile(name), JSON.stringify(value, null, 1));
    return true;
  } catch {
    return false;
  }
}
