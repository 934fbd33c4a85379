// engine/runtime: the only place that imports TensorFlow.js. Compiles IR to Blocks, picks backends,
// provides training steps over plain typed arrays so engine/train stays tfjs-free.
export { Model, type ForwardOptions } from './model';
export { ParamStore, type GluonTensor } from './params';
export { Optimizer, type OptimizerConfig, type OptimizerState } from './optim';
export { trainStep, computeGradients, evalBatch, predictBatch, firstNonFinite, type StepResult } from './step';
export { Rng } from './rng';
export type { BatchInput, ByteBatch } from './input';
export {
  GradientTap,
  probeOutputs,
  paramValues,
  type StepProbe,
  type StepHook,
  type StepInfo,
  type StepNorms,
  type BlockOutput,
} from './inspect';
export { initValues } from './init';
export {
  selectBackend,
  initEngineBackend,
  activeBackend,
  backendReport,
  backendStarts,
  backendNames,
  type BackendChoice,
} from './backends/registry';
export { engineMemory, type EngineMemory } from './backends/memory';
export { DataParallel, resolveWorkers, MAX_WORKERS } from './parallel/data-parallel';
export { availableCores, physicalCores } from './parallel/cores';
