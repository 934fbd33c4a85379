// The one interface through which the renderer reaches the outside world. Two implementations:
// electron/preload.ts (exposed as `window.netloom`) and browser-host.ts (the browser shell).
// No other renderer file should know which shell it runs in. Keep it narrow: every method here is
// attack surface in Electron, where it crosses from the sandboxed page into the main process.
import type { Transport } from './transport';

export interface OpenedFile {
  /** Opaque handle for saving back to the same file (a file-system path in Electron). */
  path: string;
  /** The file name shown to the user. */
  name: string;
  text: string;
  /** The file's bytes when it is a `.netloom` project zip (then `text` is empty): the engine reads it. */
  bytes?: Uint8Array;
}

/** One file of an export (ONNX model, TF.js shards, PyTorch code, a diagram), as `saveFiles` writes it. */
export interface ExportedFile {
  /** A plain file name (no folders). */
  name: string;
  data: string | Uint8Array;
}

/** Commands from the application menu (Electron) or the equivalent keyboard shortcuts (browser). */
export type MenuCommand = 'new' | 'open' | 'save' | 'saveAs' | 'export' | 'undo' | 'redo' | 'about';
export const MENU_COMMANDS: readonly MenuCommand[] = [
  'new',
  'open',
  'save',
  'saveAs',
  'export',
  'undo',
  'redo',
  'about',
];

/** The user's own data a Host can ask for: an image folder or a CSV table. */
export type DataSourceKind = 'folder' | 'csv';
export const DATA_SOURCE_KINDS: readonly DataSourceKind[] = ['folder', 'csv'];

export interface DocumentState {
  title: string;
  /** The `path` of the file the document was opened from / saved to, if any. */
  path?: string;
  /** Unsaved changes: the shell asks before closing the window. */
  dirty: boolean;
}

export interface Host {
  kind: 'electron' | 'browser';
  /**
   * A transport to the engine host. If the engine process dies the shell restarts it and the transport
   * delivers an `engine/crashed` event; calls in flight fail with E_ENGINE_CRASHED; the next call works.
   */
  connectEngine(): Promise<Transport>;
  /** Ask the user for a project (`.netloom` zip or `.netloom.json`) and read it; null when cancelled. */
  openFile(): Promise<OpenedFile | null>;
  /** The file this window was opened for (Electron opens one window per project); null for a new document. */
  initialFile(): Promise<OpenedFile | null>;
  /**
   * Save `data`. With a `path` from openFile/saveFile, write there; without one, ask the user where
   * (starting from `suggestedName`). Null when cancelled.
   */
  saveFile(
    data: string | Uint8Array,
    path?: string,
    suggestedName?: string,
  ): Promise<{ path: string; name: string } | null>;
  /**
   * Write an export's files: Electron asks for a folder and writes each file there (atomically); the browser
   * shell downloads them. Returns where they went (a folder path, or "your downloads") and their names; null
   * when cancelled.
   */
  saveFiles(files: ExportedFile[], suggestedFolder?: string): Promise<{ where: string; names: string[] } | null>;
  /** Tell the shell the document's title and whether it has unsaved changes. */
  setDocumentState(state: DocumentState): void;
  /**
   * Ask the user for their own training data: an image folder (one sub-folder per class) or a .csv/.tsv file.
   * Returns its path on the engine's machine; null when cancelled or when the shell has no such dialog (the
   * browser shell: the engine may run elsewhere, so the panel asks for the path as text instead).
   */
  pickDataSource(kind: DataSourceKind): Promise<string | null>;
  /** Menu commands (and their shortcuts). Returns an unsubscribe. */
  onMenu(cb: (cmd: MenuCommand) => void): () => void;
}

/** The global name the Electron preload exposes the Host under. */
export const HOST_GLOBAL = 'netloom';
