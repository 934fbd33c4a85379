// The app's two stores: the document (with history, see doc/history.ts) and the UI state that is not
// part of the document (selection, which block is open, theme, dialogs, toasts, engine status).
import { useMemo } from 'react';
import { create, useStore } from 'zustand';
import { inferNetwork, type InferResult, type NetworkDoc } from '../../../engine/core';
import { loadTemplate } from '../../../templates';
import { createDocStore, toDoc, type DocState } from '../doc/history';
import type { ArgsOf, CommandName } from '../doc/commands';
import type { Warning } from '../panels/debug/health';

export const docStore = createDocStore(toDoc(loadTemplate('lenet')));
export const useDoc = <T>(sel: (s: DocState) => T): T => useStore(docStore, sel);

const cache = new WeakMap<NetworkDoc, InferResult>();
/** Pure inference of a document, computed once per document version. */
export function inferOf(doc: NetworkDoc): InferResult {
  let r = cache.get(doc);
  if (!r) {
    r = inferNetwork(doc);
    cache.set(doc, r);
  }
  return r;
}
export function useInference(): InferResult {
  const doc = useDoc((s) => s.doc);
  return useMemo(() => inferOf(doc), [doc]);
}

export interface Toast {
  id: number;
  text: string;
  kind: 'error' | 'info';
}
export type Theme = 'dark' | 'light';

export interface UiState {
  selected: string[];
  /** The block whose inside the canvas shows ('' = the whole network). */
  open: string;
  theme: Theme;
  toasts: Toast[];
  dialog: null | 'templates' | 'makeBlock' | 'fileError' | 'confirmDiscard' | 'export';
  /** What "Discard changes" in the unsaved-changes dialog goes on to do. */
  pending?: { what: string; then(): void };
  fileErrors: { code: string; path: string; message: string }[];
  fileName: string | null;
  filePath: string | null;
  engine: string;
  /** The engine's backend once connected (`wasm`, `tensorflow`, …). */
  engineBackend?: string;
  /** Why the engine could not be reached (wrong token, server gone), shown in the status bar. */
  engineError?: string;
  /** The engine process's pid (from engine/info): changes when the server restarts it. */
  enginePid?: number;
  engineCrashes: number;
  /** When the next reconnection attempt is due (socket closed). */
  engineRetryAt?: number;
  /** The training panel is open. */
  trainOpen: boolean;
  /** A block the engine flagged during training (NaN/Inf): ringed on the canvas. */
  flagged?: string;
  /** The run's health warnings (vanishing / exploding / dead) by block: badges on the canvas, rows in Problems. */
  warnings: Warning[];
  /** Bumped to ask the canvas to fit the view (after loading a template or opening a file). */
  fitSeq: number;
  select(paths: string[]): void;
  setOpen(path: string): void;
  toast(text: string, kind?: Toast['kind']): void;
  set(p: Partial<UiState>): void;
}

let toastId = 0;
const storedTheme = (): Theme => {
  try {
    return (localStorage.getItem('netloom.theme') as Theme) || 'dark';
  } catch {
    return 'dark';
  }
};

export const useUi = create<UiState>()((set, get) => ({
  selected: [],
  open: '',
  theme: storedTheme(),
  toasts: [],
  dialog: null,
  fileErrors: [],
  fileName: null,
  filePath: null,
  engine: 'connecting…',
  engineCrashes: 0,
  trainOpen: false,
  warnings: [],
  fitSeq: 0,
  // Only what the canvas shows can be selected: a click on a group's "open" button also selects the
  // group, which then lies outside the block just opened.
  select: (paths) =>
    set({ selected: get().open ? paths.filter((p) => p.startsWith(`${get().open}/`) || p.startsWith('__')) : paths }),
  setOpen: (path) => set({ open: path, selected: [], fitSeq: get().fitSeq + 1 }),
  toast(text, kind = 'error') {
    const id = ++toastId;
    set({ toasts: [...get().toasts, { id, text, kind }] });
    setTimeout(() => set({ toasts: get().toasts.filter((t) => t.id !== id) }), 4000);
  },
  set: (p) => set(p),
}));

/** Runs a command; a refusal becomes a toast. Returns true when the document changed. */
export function run<N extends CommandName>(name: N, args: ArgsOf<N>, opts?: { mark?: string }): boolean {
  const why = docStore.getState().run(name, args, opts);
  if (why) useUi.getState().toast(why);
  return !why;
}
