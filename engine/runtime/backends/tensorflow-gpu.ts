// Native TensorFlow with CUDA. Tried first: on a machine with an NVIDIA GPU and CUDA it is the fastest by far.
import { nativeEntry } from './native';

export const tensorflowGpuBackend = nativeEntry('tensorflow-gpu', '@tensorflow/tfjs-node-gpu', 400);
