// The network as a picture: the positioned scene (boxes, groups, arrows with shapes) that the editor's canvas
// renders with React Flow, and its SVG for papers and slides (the Export dialog, `netloom export --format svg|png`).
export { buildScene, LEAF_W, LEAF_H, IO_H, type SceneOptions } from './scene';
export type { Scene, SceneNode, SceneEdge, NodeData, EdgeData } from './data';
export { sceneView, glanceView, type SceneView, type Point } from './tree';
export { sceneToSvg, absoluteBoxes, edgeGeometry, labelBox, sceneBounds, type Box } from './svg';
export { THEMES, THEME_VARS, THEME_CATEGORIES, themeFromVars, type DiagramTheme, type ThemeName } from './theme';
export { fmtShape, fmtCount, fmtBytes, layerSummary } from './format';
export { layered, H_GAP, V_GAP } from './rank';
export { portOrder } from './ports';
