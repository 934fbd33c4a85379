// The command registry: every document edit goes through one of these (see ../history.ts).
import {
  addBlock,
  newLayer,
  removeBlocks,
  renameBlock,
  setArg,
  setConstant,
  setInitializer,
  setOutput,
  setParam,
  setTrainable,
  shareParams,
  unshareParams,
} from './layers';
import { connect, disconnect, move, reorder, resetLayout, setCollapsed } from './wiring';
import { detach, makeBlock, paste, promoteArg, replaceDocument, setInputShape } from './blocks';
import { addDefArg, editDefArg, removeDefArg } from './args';
import { recordRun, setTraining } from './training';

export const COMMANDS = {
  addBlock,
  removeBlocks,
  renameBlock,
  setArg,
  setConstant,
  setInitializer,
  setOutput,
  setParam,
  setTrainable,
  shareParams,
  unshareParams,
  connect,
  disconnect,
  move,
  reorder,
  resetLayout,
  setCollapsed,
  detach,
  makeBlock,
  paste,
  promoteArg,
  replaceDocument,
  setInputShape,
  addDefArg,
  editDefArg,
  removeDefArg,
  setTraining,
  recordRun,
};
export type CommandName = keyof typeof COMMANDS;
export type ArgsOf<N extends CommandName> = Parameters<(typeof COMMANDS)[N]['perform']>[1];
export { newLayer };
export type { Clip } from './blocks';
export { argTypeProblem, type ArgDecl } from './args';
export type { Command, ViewState } from './types';
export { viewOf } from './types';
