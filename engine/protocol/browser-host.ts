// The browser shell's Host: the engine over a WebSocket to the `netloom serve` that served this page
// (token from the page URL), files through <input type=file> / the File System Access API / a download.
// Runs in the page; uses DOM globals only (no imports of node or electron).
import { connectWebSocket } from './transports/websocket';
import type { Host, MenuCommand, OpenedFile } from './host';
import { Listeners } from './transport';
import { RpcError } from './errors';

const ACCEPT = '.netloom,.netloom.json,.json,application/json,application/zip';

/** The engine URL for this page: same host, `/engine`, carrying the page's `?token=`. Exported for tests. */
export function engineUrl(loc: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(loc.search).get('token');
  if (!token)
    throw new RpcError(
      'E_UNAUTHORIZED',
      'The page address has no ?token=…: open the URL that `netloom serve` printed.',
    );
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/engine?token=${encodeURIComponent(token)}`;
}

/** Keyboard shortcuts standing in for the desktop menu. Exported for tests. */
export function shortcutToCommand(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): MenuCommand | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const k = e.key.toLowerCase();
  if (k === 's') return e.shiftKey ? 'saveAs' : 'save';
  if (k === 'o') return 'open';
  if (k === 'e') return 'export';
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (k === 'y') return 'redo';
  return null;
}

// Minimal File System Access API types (not in TS's DOM lib for every version).
interface WritableLike {
  write(data: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
}
interface FileHandleLike {
  name: string;
  createWritable(): Promise<WritableLike>;
  getFile(): Promise<File>;
}
interface FsAccessWindow {
  showOpenFilePicker?(o: unknown): Promise<FileHandleLike[]>;
  showSaveFilePicker?(o: unknown): Promise<FileHandleLike>;
}
const PICKER_TYPES = [
  {
    description: 'Netloom project',
    accept: { 'application/zip': ['.netloom'], 'application/json': ['.netloom.json', '.json'] },
  },
];

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** A picked file as the Host gives it: a project zip as bytes, anything else as text. */
async function readPicked(file: Blob, path: string, name: string): Promise<OpenedFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return isZip(bytes) ? { path, name, text: '', bytes } : { path, name, text: new TextDecoder().decode(bytes) };
}

export function createBrowserHost(win: Window = window): Host {
  const handles = new Map<string, FileHandleLike>();
  const menu = new Listeners<[MenuCommand]>();
  const fsa = win as unknown as FsAccessWindow;
  let counter = 0;
  let dirty = false;

  const remember = (h: FileHandleLike) => {
    const path = `browser:${++counter}/${h.name}`;
    handles.set(path, h);
    return path;
  };

  win.addEventListener('keydown', (e) => {
    const cmd = shortcutToCommand(e);
    const t = e.target as HTMLElement | null;
    // Undo/redo inside a text field belongs to the field.
    if (
      !cmd ||
      ((cmd === 'undo' || cmd === 'redo') && t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))
    )
      return;
    if (menu.size === 0) return;
    e.preventDefault();
    menu.emit(cmd);
  });
  win.addEventListener('beforeunload', (e) => {
    if (dirty) e.preventDefault();
  });

  return {
    kind: 'browser',
    async connectEngine() {
      try {
        return await connectWebSocket(engineUrl(win.location));
      } catch (err) {
        // The browser hides the handshake's status; ask the server whether the token was the reason.
        const token = new URLSearchParams(win.location.search).get('token') ?? '';
        const check = await fetch(`/__netloom/token-check?token=${encodeURIComponent(token)}`).catch(() => null);
        if (check?.status === 401)
          throw new Error(
            'The engine refused the token in this address (HTTP 401). Open the URL that netloom serve printed.',
          );
        throw new Error(
          check
            ? `Could not connect to the engine (${(err as Error).message})`
            : 'Could not reach the netloom server. Is it still running?',
        );
      }
    },
    async openFile(): Promise<OpenedFile | null> {
      if (fsa.showOpenFilePicker) {
        try {
          const [h] = await fsa.showOpenFilePicker({ types: PICKER_TYPES, multiple: false });
          return readPicked(await h.getFile(), remember(h), h.name);
        } catch (err) {
          if ((err as Error).name === 'AbortError') return null;
          throw err;
        }
      }
      return pickWithInput(win.document);
    },
    initialFile: async () => null,
    async saveFile(data, path, suggestedName = 'network.netloom.json') {
      let h = path ? handles.get(path) : undefined;
      if (!h && fsa.showSaveFilePicker) {
        try {
          h = await fsa.showSaveFilePicker({ suggestedName, types: PICKER_TYPES });
          path = remember(h);
        } catch (err) {
          if ((err as Error).name === 'AbortError') return null;
          throw err;
        }
      }
      if (h && path) {
        const w = await h.createWritable();
        await w.write(data);
        await w.close();
        return { path, name: h.name };
      }
      // No File System Access API (Firefox, Safari): a download is the only way to save.
      download(win.document, data, suggestedName);
      return { path: `download:${suggestedName}`, name: suggestedName };
    },
    // A page cannot write into a folder it did not get from the user: each file downloads.
    async saveFiles(files) {
      for (const f of files) download(win.document, f.data, f.name);
      return { where: 'your downloads', names: files.map((f) => f.name) };
    },
    setDocumentState(s) {
      dirty = s.dirty;
      win.document.title = `${s.dirty ? '• ' : ''}${s.title} — Netloom`;
    },
    // A page cannot learn a path from a file chooser, and the engine may run on another machine: the panel
    // shows a path field instead.
    pickDataSource: async () => null,
    onMenu: (cb) => menu.add(cb),
  };
}

function pickWithInput(doc: Document): Promise<OpenedFile | null> {
  return new Promise((resolve, reject) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.accept = ACCEPT;
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return resolve(null);
      readPicked(file, `upload:${file.name}`, file.name).then(resolve, reject);
    });
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
}

function download(doc: Document, data: string | Uint8Array, name: string) {
  const blob = new Blob([data as BlobPart], {
    type: typeof data === 'string' ? 'application/json' : 'application/octet-stream',
  });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
