// What main answers on each renderer → main channel, as functions of (sender, raw payload): every message is
// checked first (sender frame is the app, the sending window is one of ours, the payload has the contract's shape)
// and refused with one line otherwise. Electron comes in as parameters — the sender as {id, frameUrl}, the windows
// main keeps, and the dialogs as "the chosen path, or null when cancelled" — so tests drive exactly these
// functions with real files, and main.ts only registers them on ipcMain.
import type { DataSourceKind, OpenedFile } from '../engine/protocol/host';
import { errorLine, exportToFolder, readProjectFile, saveProject } from './file-actions';
import type { FileGrants } from './files';
import { IPC } from './ipc-contract';
import type { IpcChannel, IpcPayload } from './ipc-contract';
import { validateIpc } from './security';

/** Who sent an IPC message: its webContents id and the URL of the frame that sent it. */
export interface IpcSender {
  id: number;
  frameUrl: string | null | undefined;
}

/** What main keeps per project window (main's own entry adds the BrowserWindow). */
export interface ProjectEntry {
  path?: string;
  dirty: boolean;
  initial: OpenedFile | null;
}

/** Electron's dialogs for window `w`: each resolves to the chosen path, or null when the user cancelled. */
export interface Dialogs<W> {
  openProject(w: W): Promise<string | null>;
  saveProject(w: W, defaultName: string): Promise<string | null>;
  chooseFolder(w: W, defaultName?: string): Promise<string | null>;
  pickDataSource(w: W, kind: DataSourceKind): Promise<string | null>;
}

export interface HandlerDeps<W extends ProjectEntry> {
  windows: ReadonlyMap<number, W>;
  grants: FileGrants;
  dialogs: Dialogs<W>;
  /** A file this window opened or saved: granted to it, and into the recent list. */
  remember(windowId: number, file: string): void;
}

/** Thrown for a refused message; the line names the channel and what was wrong. */
export class IpcRefused extends Error {
  readonly code = 'E_IPC_REFUSED';
  constructor(channel: string, reason: string) {
    super(`E_IPC_REFUSED: refused IPC on ${channel}: ${reason}`);
    this.name = 'IpcRefused';
  }
}

/** Checks one message: a known channel from the app's frame, a window main created, a payload of the right shape. */
export function guardIpc<C extends IpcChannel, W>(
  windows: ReadonlyMap<number, W>,
  sender: IpcSender,
  channel: C,
  payload: unknown,
): { entry: W; payload: IpcPayload<C> } {
  const r = validateIpc(channel, sender.frameUrl, payload);
  if (!r.ok) throw new IpcRefused(channel, r.reason);
  const entry = windows.get(sender.id);
  if (!entry) throw new IpcRefused(channel, `window ${sender.id} is not a Netloom project window`);
  return { entry, payload: r.payload as IpcPayload<C> };
}

/** Runs `f`, turning a failure into an Error whose message is the one line the renderer shows (code first). */
async function oneLine<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new Error(errorLine(e), { cause: e });
  }
}

export function ipcHandlers<W extends ProjectEntry>(d: HandlerDeps<W>) {
  const guard = <C extends IpcChannel>(s: IpcSender, c: C, p: unknown) => guardIpc(d.windows, s, c, p);
  return {
    [IPC.openFile]: async (s: IpcSender, p: unknown): Promise<OpenedFile | null> => {
      const { entry } = guard(s, IPC.openFile, p);
      const file = await d.dialogs.openProject(entry);
      if (!file) return null;
      const opened = await oneLine(() => readProjectFile(file));
      d.remember(s.id, opened.path);
      return opened;
    },
    [IPC.initialFile]: async (s: IpcSender, p: unknown) => guard(s, IPC.initialFile, p).entry.initial,
    [IPC.saveFile]: async (s: IpcSender, p: unknown) => {
      const { entry, payload } = guard(s, IPC.saveFile, p);
      const saved = await oneLine(() =>
        saveProject(payload, {
          granted: (f) => d.grants.allowed(s.id, f),
          askPath: (name) => d.dialogs.saveProject(entry, name),
        }),
      );
      if (saved) d.remember(s.id, saved.path);
      return saved;
    },
    [IPC.saveFiles]: async (s: IpcSender, p: unknown) => {
      const { entry, payload } = guard(s, IPC.saveFiles, p);
      // The page names only plain file names (the schema refuses paths); the folder is the user's choice.
      return oneLine(() => exportToFolder(payload.files, () => d.dialogs.chooseFolder(entry, payload.suggestedFolder)));
    },
    [IPC.pickDataSource]: async (s: IpcSender, p: unknown) => {
      const { entry, payload } = guard(s, IPC.pickDataSource, p);
      // Only a path comes back: the engine (a utilityProcess on this machine) reads the data, never the page.
      return d.dialogs.pickDataSource(entry, payload as DataSourceKind);
    },
    /** The window's title and unsaved state; a path is kept only if main granted it to this window. */
    [IPC.setDocumentState]: (s: IpcSender, p: unknown): { entry: W; title: string } => {
      const { entry, payload } = guard(s, IPC.setDocumentState, p);
      entry.dirty = payload.dirty;
      if (payload.path && d.grants.allowed(s.id, payload.path)) entry.path = payload.path;
      return { entry, title: `${payload.title} — Netloom` };
    },
    [IPC.connectEngine]: (s: IpcSender, p: unknown): W => guard(s, IPC.connectEngine, p).entry,
  };
}
