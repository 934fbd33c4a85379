// The document store: the IR document (view state included), and a history of patches.
// Every edit is `run(command, args)`: the command's patch is applied and its inverse kept, so undo and
// redo are exact. Edits run under the same `mark` merge into one step (a drag, typing in a field).
import { createStore } from 'zustand/vanilla';
import { parseDocument, type NetworkDoc } from '../../../engine/core';
import { applyOps, type Op } from './patch';
import { COMMANDS, type ArgsOf, type CommandName } from './commands';

export interface Entry {
  name: string;
  ops: Op[];
  inverse: Op[];
  mark?: string;
}

export interface DocState {
  doc: NetworkDoc;
  past: Entry[];
  future: Entry[];
  /** The history entry at the last save (null: the initial state); dirty when the top differs. */
  clean: Entry | null;
  /** The step later edits under the same mark may merge into (cleared by undo/redo). */
  open: Entry | null;
  /** Run a command: null when done, else the reason it was refused (nothing changes). */
  run<N extends CommandName>(name: N, args: ArgsOf<N>, opts?: { mark?: string }): string | null;
  undo(): void;
  redo(): void;
  /** Start over from `doc` with an empty history (app start, tests). */
  reset(doc: NetworkDoc): void;
  markClean(): void;
}

export const isDirty = (s: Pick<DocState, 'past' | 'clean'>) => (s.past[s.past.length - 1] ?? null) !== s.clean;

/** Parses a template or file object into a document with defaults filled; throws on errors. */
export function toDoc(raw: unknown): NetworkDoc {
  const { doc, errors } = parseDocument(raw);
  if (!doc)
    throw Object.assign(new Error(errors.map((e) => `${e.code} ${e.path}: ${e.message}`).join('\n')), { errors });
  return doc;
}

export function createDocStore(initial: NetworkDoc) {
  return createStore<DocState>()((set, get) => ({
    doc: initial,
    past: [],
    future: [],
    clean: null,
    open: null,
    run(name, args, opts) {
      const cmd = COMMANDS[name] as {
        can?(d: NetworkDoc, a: unknown): string | null;
        perform(d: NetworkDoc, a: unknown): Op[];
        name: string;
      };
      const { doc, past } = get();
      const why = cmd.can?.(doc, args) ?? null;
      if (why) return why;
      const ops = cmd.perform(doc, args);
      const { root, inverse } = applyOps(doc, ops);
      const top = past[past.length - 1];
      if (opts?.mark && top && top === get().open && top.mark === opts.mark) {
        // Same gesture: one step whose inverse undoes both.
        const merged: Entry = {
          name: top.name,
          ops: [...top.ops, ...ops],
          inverse: [...inverse, ...top.inverse],
          mark: top.mark,
        };
        set({ doc: root, past: [...past.slice(0, -1), merged], future: [], open: merged });
      } else {
        const e: Entry = { name: cmd.name, ops, inverse, mark: opts?.mark };
        set({ doc: root, past: [...past, e], future: [], open: e });
      }
      return null;
    },
    undo() {
      const { past, future, doc } = get();
      const e = past[past.length - 1];
      if (!e) return;
      set({ doc: applyOps(doc, e.inverse).root, past: past.slice(0, -1), future: [...future, e], open: null });
    },
    redo() {
      const { past, future, doc } = get();
      const e = future[future.length - 1];
      if (!e) return;
      set({ doc: applyOps(doc, e.ops).root, past: [...past, e], future: future.slice(0, -1), open: null });
    },
    reset(doc) {
      set({ doc, past: [], future: [], clean: null, open: null });
    },
    markClean() {
      const p = get().past;
      set({ clean: p[p.length - 1] ?? null });
    },
  }));
}
export type DocStore = ReturnType<typeof createDocStore>;
