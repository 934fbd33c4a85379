// tfjs-core registers its gradient functions only from its ESM sources (dist/register_all_gradients.js); the
// CommonJS bundle that Node resolves for '@tensorflow/tfjs-core' has none, so tf.grads fails with "gradient
// function not found for RealDiv" unless they are loaded. Those ESM files import extensionless paths ('./ops/add',
// './gradients'), which bundlers and vitest resolve but Node's ESM loader (and tsx) reject, so under plain Node we
// add a resolve hook that appends '.js' for relative imports inside tfjs-core's dist/ only.
// The ESM copy shares the CommonJS copy's engine and registries: tfjs keeps them on the global object
// (`_tfengine`, `_tfGlobals`), so gradients registered here are the ones our engine uses.
import module from 'node:module';
import { tf } from './tf-core';

const GRADIENTS = '@tensorflow/tfjs-core/dist/register_all_gradients.js';

const HOOK = `
export async function resolve(specifier, context, next) {
  if (context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/') &&
      /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
  }
  return next(specifier, context);
}`;

export async function ensureGradients(): Promise<void> {
  if (tf.getGradient(tf.RealDiv)) return; // already there (bundled build, tfjs-node's union package, …)
  // The hook must be in place before the first attempt: Node caches a failed module graph.
  if (typeof module.register === 'function') module.register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
  await import(/* @vite-ignore */ GRADIENTS);
  if (!tf.getGradient(tf.RealDiv)) throw new Error('tfjs gradients did not register in this tfjs-core instance');
}
