// Shared loader for the native TensorFlow backends (@tensorflow/tfjs-node[-gpu]). They are optional
// dependencies that download libtensorflow at install time, so they are often missing: everything here is a
// dynamic import inside try/catch, with the package name in a variable so bundlers and tsc don't require it.
import { tf } from './tf';
import type { Availability, BackendEntry } from './types';

const loaded = new Map<string, Promise<Availability>>();

/** Imports the package once; ok only if it registered 'tensorflow' in *our* tfjs-core instance. */
export function loadNative(pkg: string): Promise<Availability> {
  let p = loaded.get(pkg);
  if (!p) {
    p = (async (): Promise<Availability> => {
      try {
        await import(/* @vite-ignore */ pkg);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
          return { ok: false, reason: `package ${pkg} is not installed` };
        }
        return { ok: false, reason: `package ${pkg} failed to load: ${(e as Error).message.split('\n')[0]}` };
      }
      // A version mismatch makes npm nest a second tfjs-core under the package: it would register its backend
      // there, where our ops never look.
      if (!tf.findBackendFactory('tensorflow')) {
        return {
          ok: false,
          reason: `${pkg} loaded a different copy of @tensorflow/tfjs-core (version mismatch with ${tf.version_core})`,
        };
      }
      return { ok: true, reason: `${pkg} loaded (libtensorflow)` };
    })();
    loaded.set(pkg, p);
  }
  return p;
}

export function nativeEntry(name: string, pkg: string, priority: number): BackendEntry {
  return {
    name,
    tfName: 'tensorflow',
    priority,
    available: () => loadNative(pkg),
    async init() {
      const a = await loadNative(pkg);
      if (!a.ok) throw new Error(a.reason);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`tf.setBackend('tensorflow') failed for ${pkg}`);
    },
  };
}
