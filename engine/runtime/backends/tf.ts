// Every runtime file imports `tf` from here: one tfjs-core instance, with gradient functions registered
// (tfjs-core's CommonJS bundle ships without them; see gradients.ts). Top-level await so that no importer can
// observe tf before tf.grads works.
import { ensureGradients } from './gradients';
import { tf } from './tf-core';

await ensureGradients();

export { tf };
