// engine/export: the trained network leaves Netloom — the project file (.netloom), ONNX, TF.js LayersModel
// (and PyTorch code in ./pytorch), the diagram (SVG, PNG). See CONTEXT.md.
export {
  FORMATS,
  FORMAT_NAMES,
  isFormat,
  usesWeights,
  checkExportable,
  runExport,
  type ExportSource,
  type ExportFormat,
  type ExportOptions,
  type ExportedFile,
  type FormatName,
} from './formats';
export {
  readProject,
  encodeProject,
  projectChunks,
  ProjectError,
  type Project,
  type TrainingPosition,
} from './project/project';
export { writeProject } from './project/write';
export { decodeSafetensors, encodeSafetensors, safetensorsChunks } from './project/safetensors';
export { toOnnx } from './onnx/export';
export { toTfjs } from './tfjs/export';
export { ExportError, type Unsupported } from './walk';
export { diagramSvg, svgToPng, DIAGRAM_THEMES } from './diagram';
export { loadSource, sourceFromProject, initialWeights } from './source';
export type { Tensor } from './layout';
