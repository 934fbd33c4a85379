// The layer catalogue. Adding a layer kind: write one file declaring a LayerDef, add it to LAYERS.
import { Dense } from './dense';
import { Conv2D } from './conv2d';
import { AvgPool2D, GlobalAvgPool2D, MaxPool2D } from './pool';
import { Activation, Centered, Dropout, Flatten } from './simple';
import { BatchNorm } from './batchnorm';
import { Add, Concat } from './merge';
import type { LayerDef } from './types';

export const LAYERS: readonly LayerDef[] = [
  Dense,
  Conv2D,
  MaxPool2D,
  AvgPool2D,
  GlobalAvgPool2D,
  Flatten,
  Activation,
  Dropout,
  BatchNorm,
  Concat,
  Add,
  Centered,
];

const byType = new Map(LAYERS.map((l) => [l.type, l]));

/** The declaration of a layer type, or undefined for an unknown type. */
export const layerDef = (type: string): LayerDef | undefined => byType.get(type);

export * from './types';
export { ACTIVATIONS } from './util';
