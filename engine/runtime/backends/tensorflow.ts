// Native TensorFlow on the CPU (multi-threaded libtensorflow): the best CPU backend when its install succeeded.
import { nativeEntry } from './native';

export const tensorflowBackend = nativeEntry('tensorflow', '@tensorflow/tfjs-node', 300);
