// Public surface of engine/data (plain typed arrays; no tfjs). See CONTEXT.md.
export { DataError, isDataError, type DataErrorCode } from './errors';
export type { Batch, Dataset, DatasetSource, DataProgress, DrawnFrom, Normalize, PartName, Split } from './types';
export { loadDataset, type LoadSpec } from './load';
export {
  batches,
  batchCount,
  createFiller,
  epochOrder,
  getPart,
  sampleAt,
  type BatchFiller,
  type BatchOptions,
} from './batches';
export {
  BUILTINS,
  cacheRoot,
  datasetCacheDir,
  ensureBuiltin,
  isBuiltinName,
  listDatasets,
  locateBuiltin,
  type BuiltinName,
  type DatasetListing,
} from './builtin';
export { encodeIdx, parseIdx, readIdxFile, readIdxPair, IDX_MAGIC } from './idx';
export { downloadFile, type DownloadOptions } from './download';
export { loadImageFolder } from './folder';
export { loadCsv, parseCsv } from './csv';
export { decodeImage } from './image';
export {
  holdOut,
  limitSplit,
  mulberry32,
  resizeBilinear,
  resizePlan,
  shuffledIndices,
  shuffleSplit,
  takeSamples,
} from './transforms';
