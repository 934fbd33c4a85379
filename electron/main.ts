// Electron main process: windows (one per project), the menu, dialogs and files, the app protocol, and
// brokering MessagePorts to the engine utilityProcess. It runs no engine code itself.
// What it answers on IPC and does with files lives in ipc-handlers.ts and file-actions.ts (tested under plain Node,
// Electron's dialogs passed in); this file only wires them to Electron.
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
import type { IpcMainEvent, IpcMainInvokeEvent, OpenDialogReturnValue } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppStateStore, placeOnScreen } from './app-state';
import { resolveAppRequest } from './app-protocol';
import { EngineBroker } from './engine-broker';
import { readProjectFile } from './file-actions';
import { FileGrants, PROJECT_FILTERS } from './files';
import { IPC } from './ipc-contract';
import { ipcHandlers, type IpcSender, type ProjectEntry } from './ipc-handlers';
import { menuTemplate, sendMenuCommand } from './menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponseHeaders } from './security';
import { createProjectWindow, hardenSession, lockDownContents } from './window';

const OUT = __dirname;
const RENDERER = path.join(OUT, '..', '..', 'renderer', 'dist');

// Must happen before 'ready': gives netloom://app a real, secure origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

interface ProjectWindow extends ProjectEntry {
  win: BrowserWindow;
}

const sender = (e: IpcMainEvent | IpcMainInvokeEvent): IpcSender => ({ id: e.sender.id, frameUrl: e.senderFrame?.url });
/** An open dialog's one chosen path, or null when cancelled. */
const chosen = (r: OpenDialogReturnValue) => (r.canceled ? null : (r.filePaths[0] ?? null));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
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

  const remember = (id: number, file: string) => {
    grants.grant(id, file);
    state.addRecent(file);
    app.addRecentDocument(file);
    buildMenu();
  };

  function openWindow(file?: string) {
    const existing = file && [...windows.values()].find((w) => w.path === file);
    if (existing) return existing.win.focus();
    let initial: ProjectEntry['initial'] = null;
    if (file) {
      try {
        initial = readProjectFile(file);
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
          send: (cmd) => sendMenuCommand(BrowserWindow.getFocusedWindow(), cmd),
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

  // Every renderer → main message goes through ipc-handlers.ts (checked, then acted on); here only Electron.
  const handlers = ipcHandlers<ProjectWindow>({
    windows,
    grants,
    remember,
    dialogs: {
      openProject: async ({ win }) =>
        chosen(await dialog.showOpenDialog(win, { filters: PROJECT_FILTERS, properties: ['openFile'] })),
      saveProject: async ({ win }, defaultPath) => {
        const r = await dialog.showSaveDialog(win, { filters: PROJECT_FILTERS, defaultPath });
        return r.canceled ? null : r.filePath || null;
      },
      chooseFolder: async ({ win }, defaultPath) =>
        chosen(
          await dialog.showOpenDialog(win, {
            title: 'Export into folder',
            defaultPath,
            properties: ['openDirectory', 'createDirectory'],
          }),
        ),
      pickDataSource: async ({ win }, kind) =>
        chosen(
          await dialog.showOpenDialog(
            win,
            kind === 'folder'
              ? { title: 'Image folder (one sub-folder per class)', properties: ['openDirectory'] }
              : {
                  title: 'CSV table',
                  filters: [{ name: 'CSV table', extensions: ['csv', 'tsv'] }],
                  properties: ['openFile'],
                },
          ),
        ),
    },
  });
  for (const channel of [IPC.openFile, IPC.initialFile, IPC.saveFile, IPC.saveFiles, IPC.pickDataSource] as const)
    ipcMain.handle(channel, (e, p) => handlers[channel](sender(e), p));
  ipcMain.on(IPC.setDocumentState, (e, p) => {
    try {
      const { entry, title } = handlers[IPC.setDocumentState](sender(e), p);
      entry.win.setTitle(title);
      entry.win.setDocumentEdited(entry.dirty);
      if (entry.path) entry.win.setRepresentedFilename(entry.path);
    } catch (err) {
      console.warn((err as Error).message);
    }
  });
  ipcMain.on(IPC.connectEngine, (e, p) => {
    try {
      handlers[IPC.connectEngine](sender(e), p);
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
