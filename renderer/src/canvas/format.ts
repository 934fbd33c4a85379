// How numbers and shapes read on the canvas: one definition in engine/core (the diagram export uses it too).
export { fmtShape, fmtCount, fmtBytes, layerSummary } from '../../../engine/core';
