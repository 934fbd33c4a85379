// engine/core: the pure heart of Netloom — the network IR, the layer catalogue, shape inference.
// No tfjs, no node:* — it runs in the renderer, the engine host, the CLI and tests alike.
export * from './ir/schema';
export * from './errors';
export * from './layers';
export {
  inferNetwork,
  parseDocument,
  collectParams,
  type InferResult,
  type ParamInfo,
  type BlockInfo,
  type XNode,
} from './infer';
export { paramProblem } from './infer/params';
export { estimateMemoryBytes, memoryParts, type MemoryParts } from './infer/memory';
export { fitWeights, fitsExactly, type WeightsFit, type SavedParam, type DroppedWeights } from './infer/fit';
export { GRAPH_INPUT, incoming as graphInputs } from './infer/graph';
export * from './diagram';
