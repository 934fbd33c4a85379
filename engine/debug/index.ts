// engine/debug: visual debugging over a compiled model — probe snapshots of watched blocks, parameter
// statistics from the step's own gradients, the health monitor, evaluation and the verbose trace.
// Free of tfjs (engine/runtime does the tensor work) and of engine/data (callers hand in samples).
export * from './stats';
export * from './blocks';
export * from './health';
export * from './snapshot';
export * from './access';
export * from './monitor';
export * from './evaluate';
export * from './trace';
