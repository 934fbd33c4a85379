// The one tfjs-core module the engine uses (Node resolves it to tfjs-core's CommonJS bundle, the same file the
// wasm and cpu backend packages require, so they register into the engine our ops dispatch through).
// Import `tf` from './tf', not from here: that module also guarantees gradients are registered.
import * as tf from '@tensorflow/tfjs-core';

export { tf };
