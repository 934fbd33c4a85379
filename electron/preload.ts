// The preload: the only bridge between the sandboxed page and main. It exposes exactly the Host interface
// as `window.netloom` (contextBridge), validates what comes back from main, and owns the engine port.
// Bundled to CommonJS by bundle.ts; in a sandboxed preload only `electron` may be required at runtime.
import { contextBridge, ipcRenderer } from 'electron';
import { HOST_GLOBAL } from '../engine/protocol/host';
import type { Host, MenuCommand } from '../engine/protocol/host';
import { Listeners } from '../engine/protocol/transport';
import type { Transport } from '../engine/protocol/transport';
import type { PortLike } from '../engine/protocol/transports/message-port';
import { engineLink } from './engine-link';
import { IPC, parseMenuCommand, remoteErrorLine } from './ipc-contract';

const menu = new Listeners<[MenuCommand]>();
ipcRenderer.on(IPC.menu, (_e, cmd: unknown) => {
  const c = parseMenuCommand(cmd);
  if (c) menu.emit(c);
});

/** An invoke whose failure reaches the page as main's own line ("E_WRITE_DENIED: cannot write …"). */
const invoke = <T>(channel: string, payload?: unknown): Promise<T> =>
  ipcRenderer.invoke(channel, payload).catch((e: unknown) => {
    throw new Error(remoteErrorLine(e instanceof Error ? e.message : String(e)));
  });

let link: Transport | null = null;
function engine(): Transport {
  link ??= engineLink({
    onPort: (cb) => ipcRenderer.on(IPC.enginePort, (e) => e.ports[0] && cb(e.ports[0] as unknown as PortLike)),
    onCrash: (cb) => ipcRenderer.on(IPC.engineCrashed, (_e, info) => cb(info)),
    requestPort: () => ipcRenderer.send(IPC.connectEngine),
  });
  return link;
}

const host: Host = {
  kind: 'electron',
  async connectEngine() {
    const t = engine();
    // A plain object of functions: contextBridge proxies it into the page (the port itself stays here).
    return { send: (f) => t.send(f), onMessage: (cb) => t.onMessage(cb) };
  },
  openFile: () => invoke(IPC.openFile),
  initialFile: () => invoke(IPC.initialFile),
  saveFile: (data, path, suggestedName) => invoke(IPC.saveFile, { data, path, suggestedName }),
  saveFiles: (files, suggestedFolder) => invoke(IPC.saveFiles, { files, suggestedFolder }),
  pickDataSource: (kind) => invoke(IPC.pickDataSource, kind),
  setDocumentState: (s) => ipcRenderer.send(IPC.setDocumentState, { title: s.title, path: s.path, dirty: s.dirty }),
  onMenu: (cb) => menu.add(cb),
};

contextBridge.exposeInMainWorld(HOST_GLOBAL, host);
