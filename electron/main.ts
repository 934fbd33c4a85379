// Electron main process: windows (one per project), the menu, dialogs and files, the app protocol, and
// brokering MessagePorts to the engine utilityProcess. It runs no engine code itself.
// Built to CommonJS by bundle.ts (so `__dirname` is the bundle's folder: out/electron/).
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  net,
  protocol,
  screen,
  session,
  utilityProcess,
} from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../engine/io';
import type { OpenedFile } from '../engine/protocol/host';
import { AppStateStore, placeOnScreen } from './app-state';
import { resolveAppRequest } from './app-protocol';
import { EngineBroker } from './engine-broker';
import { FileGrants, PROJECT_FILTERS, withProjectExtension } from './files';
import { IPC } from './ipc-contract';
import type { IpcChannel, IpcPayload } from './ipc-contract';
import { menuTemplate } from './menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponseHeaders, validateIpc } from './security';
import { createProjectWindow, hardenSession, lockDownContents } from './window';

const OUT = __dirname;
const RENDERER = path.join(OUT, '..', '..', 'renderer', 'dist');

// Must happen before 'ready': gives netloom://app a real, secure origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

interface ProjectWindow {
  win: BrowserWindow;
  path?: string;
  dirty: boolean;
  initial: OpenedFile | null;
}

function run() {
  const windows = new Map<number, ProjectWindow>(); // by webContents id
  const grants = new FileGrants();
  let state: AppStateStore;
  const broker = new EngineBroker({
    fork: () => utilityProcess.fork(path.join(OUT, 'engine.mjs'), [], { serviceName: 'Netloom engine' }),
    channel: () => new MessageChannelMain(),
    log: (l) => console.warn(l),
  });

  // A `.netloom` zip goes to the page as bytes (the engine reads it), a JSON project as text.
  const readProject = (file: string): OpenedFile => {
    const bytes = fs.readFileSync(file);
    const zip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    return zip
      ? { path: file, name: path.basename(file), text: '', bytes: new Uint8Array(bytes) }
      : { path: file, name: path.basename(file), text: bytes.toString('utf8') };
  };
  const remember = (id: number, file: string) => {
    grants.grant(id, file);
    state.addRecent(file);
    app.addRecentDocument(file);
    buildMenu();
  };

  function openWindow(file?: string) {
    const existing = file && [...windows.values()].find((w) => w.path === file);
    if (existing) return existing.win.focus();
    let initial: OpenedFile | null = null;
    if (file) {
      try {
        initial = readProject(file);
      } catch (err) {
        dialog.showErrorBox('Could not open the project', `${file}\n\n${(err as Error).message}`);
        return;
      }
    }
    const bounds = placeOnScreen(
      state.get().window,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const win = createProjectWindow(BrowserWindow, path.join(OUT, 'preload.cjs'), bounds);
    const id = win.webContents.id;
    windows.set(id, { win, path: file, dirty: false, initial });
    if (file) remember(id, file);
    win.on('close', (e) => {
      const entry = windows.get(id);
      state.setWindow({ ...win.getNormalBounds(), maximized: win.isMaximized() });
      if (!entry?.dirty) return;
      const choice = dialog.showMessageBoxSync(win, {
        type: 'warning',
        buttons: ['Discard changes', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: 'This project has unsaved changes.',
        detail: 'Close the window and lose them?',
      });
      if (choice === 1) e.preventDefault();
    });
    win.on('closed', () => {
      windows.delete(id);
      grants.forget(id);
      broker.disconnect(id);
    });
  }

  function buildMenu() {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          platform: process.platform,
          recent: state.get().recent,
          appName: app.getName(),
          send: (cmd) => BrowserWindow.getFocusedWindow()?.webContents.send(IPC.menu, cmd),
          newWindow: () => openWindow(),
          open: async () => {
            const focused = BrowserWindow.getFocusedWindow();
            const r = focused
              ? await dialog.showOpenDialog(focused, { filters: PROJECT_FILTERS, properties: ['openFile'] })
              : await dialog.showOpenDialog({ filters: PROJECT_FILTERS, properties: ['openFile'] });
            if (!r.canceled && r.filePaths[0]) openWindow(r.filePaths[0]);
          },
          openRecent: (file) => openWindow(file),
          clearRecent: () => {
            state.clearRecent();
            app.clearRecentDocuments();
            buildMenu();
          },
        }),
      ),
    );
  }

  /** Validate an IPC message; throws (invoke) so the renderer gets an error, never an action. */
  function check<C extends IpcChannel>(
    e: IpcMainEvent | IpcMainInvokeEvent,
    channel: C,
    payload: unknown,
  ): { entry: ProjectWindow; payload: IpcPayload<C> } {
    const r = validateIpc(channel, e.senderFrame?.url, payload);
    const entry = windows.get(e.sender.id);
    if (!r.ok || !entry) throw new Error(`refused IPC on ${channel}: ${r.ok ? 'unknown window' : r.reason}`);
    return { entry, payload: r.payload as IpcPayload<C> };
  }

  ipcMain.handle(IPC.openFile, async (e, p) => {
    const { entry } = check(e, IPC.openFile, p);
    const r = await dialog.showOpenDialog(entry.win, { filters: PROJECT_FILTERS, properties: ['openFile'] });
    if (r.canceled || !r.filePaths[0]) return null;
    const opened = readProject(r.filePaths[0]);
    remember(e.sender.id, opened.path);
    return opened;
  });
  ipcMain.handle(IPC.initialFile, (e, p) => check(e, IPC.initialFile, p).entry.initial);
  ipcMain.handle(IPC.saveFile, async (e, p) => {
    const { entry, payload } = check(e, IPC.saveFile, p);
    let file = payload.path && grants.allowed(e.sender.id, payload.path) ? payload.path : undefined;
    if (!file) {
      const r = await dialog.showSaveDialog(entry.win, {
        filters: PROJECT_FILTERS,
        defaultPath: payload.suggestedName ?? 'network.netloom.json',
      });
      if (r.canceled || !r.filePath) return null;
      file = withProjectExtension(r.filePath, typeof payload.data !== 'string');
    }
    writeFileAtomic(file, payload.data); // never a half-written project: temp file + rename
    remember(e.sender.id, file);
    return { path: file, name: path.basename(file) };
  });
  ipcMain.handle(IPC.saveFiles, async (e, p) => {
    const { entry, payload } = check(e, IPC.saveFiles, p);
    // The page names only plain file names (the schema refuses paths); the folder is the user's choice.
    const r = await dialog.showOpenDialog(entry.win, {
      title: 'Export into folder',
      defaultPath: payload.suggestedFolder,
      properties: ['openDirectory', 'createDirectory'],
    });
    if (r.canceled || !r.filePaths[0]) return null;
    const dir = r.filePaths[0];
    for (const f of payload.files) writeFileAtomic(path.join(dir, f.name), f.data);
    return { where: dir, names: payload.files.map((f) => f.name) };
  });
  ipcMain.handle(IPC.pickDataSource, async (e, p) => {
    const { entry, payload } = check(e, IPC.pickDataSource, p);
    // Only a path comes back: the engine (a utilityProcess on this machine) reads the data, never the page.
    const r = await dialog.showOpenDialog(
      entry.win,
      payload === 'folder'
        ? { title: 'Image folder (one sub-folder per class)', properties: ['openDirectory'] }
        : {
            title: 'CSV table',
            filters: [{ name: 'CSV table', extensions: ['csv', 'tsv'] }],
            properties: ['openFile'],
          },
    );
    return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
  });
  ipcMain.on(IPC.setDocumentState, (e, p) => {
    try {
      const { entry, payload } = check(e, IPC.setDocumentState, p);
      entry.dirty = payload.dirty;
      if (payload.path && grants.allowed(e.sender.id, payload.path)) entry.path = payload.path;
      entry.win.setTitle(`${payload.title} — Netloom`);
      entry.win.setDocumentEdited(payload.dirty);
      if (entry.path) entry.win.setRepresentedFilename(entry.path);
    } catch (err) {
      console.warn((err as Error).message);
    }
  });
  ipcMain.on(IPC.connectEngine, (e, p) => {
    try {
      check(e, IPC.connectEngine, p);
    } catch (err) {
      return console.warn((err as Error).message);
    }
    const wc = e.sender;
    broker.connect(wc.id, {
      givePort: (port) => wc.postMessage(IPC.enginePort, null, [port as Electron.MessagePortMain]),
      crashed: (info) => wc.send(IPC.engineCrashed, info),
    });
  });

  app.on('web-contents-created', (_e, wc) => lockDownContents(wc));
  app.on('second-instance', (_e, argv) => {
    const files = projectArgs(argv);
    if (files.length) files.forEach((f) => openWindow(f));
    else BrowserWindow.getAllWindows()[0]?.focus();
  });
  app.on('open-file', (e, file) => {
    e.preventDefault();
    if (app.isReady()) openWindow(file);
    else pendingOpen.push(file);
  });
  const pendingOpen: string[] = [];

  app.whenReady().then(() => {
    state = new AppStateStore(path.join(app.getPath('userData'), 'state.json'));
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, async (req) => {
      const hit = resolveAppRequest(req.url, RENDERER, fs.existsSync);
      if (!hit) {
        const missing = !fs.existsSync(path.join(RENDERER, 'index.html'));
        const body = missing
          ? '<!doctype html><title>Netloom</title><p>The user interface is not built yet: run <code>npm run build:renderer</code>.</p>'
          : 'not found';
        return new Response(body, {
          status: missing ? 200 : 404,
          headers: appResponseHeaders(missing ? 'text/html; charset=utf-8' : 'text/plain'),
        });
      }
      const res = await net.fetch(pathToFileURL(hit.file).toString());
      return new Response(res.body, { status: res.status, headers: hit.headers });
    });
    broker.start();
    buildMenu();
    const files = [...projectArgs(process.argv), ...pendingOpen];
    if (files.length) files.forEach((f) => openWindow(f));
    else openWindow();
    app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && openWindow());
  });
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());
  app.on('before-quit', () => broker.stop());
}

/** Project files named on the command line (double-click in a file manager, `netloom-app x.netloom.json`). */
function projectArgs(argv: string[]): string[] {
  return argv
    .slice(1)
    .filter((a) => !a.startsWith('-') && /\.json$/i.test(a) && fs.existsSync(a))
    .map((a) => path.resolve(a));
}
