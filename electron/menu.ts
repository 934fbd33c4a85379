// The application menu as data. Items that act on the document send a MenuCommand to the focused window
// (the renderer owns the document and its history); items that need main (open, recent) call back into it.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../engine/protocol/host';
import { IPC } from './ipc-contract';

/** The part of a BrowserWindow a menu command goes to. */
export interface MenuTarget {
  webContents: { send(channel: string, ...args: unknown[]): void };
}

/**
 * main → renderer: `cmd` to the focused window on the channel the preload listens to (`IPC.menu`, checked there by
 * `parseMenuCommand`, then handed to the renderer's `host.onMenu`). False when no window has the focus.
 */
export function sendMenuCommand(win: MenuTarget | null | undefined, cmd: MenuCommand): boolean {
  if (!win) return false;
  win.webContents.send(IPC.menu, cmd);
  return true;
}

export interface MenuActions {
  platform: NodeJS.Platform;
  recent: string[];
  appName: string;
  /** Send a command to the focused window's renderer. */
  send(cmd: MenuCommand): void;
  newWindow(): void;
  open(): void;
  openRecent(file: string): void;
  clearRecent(): void;
}

export function menuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const mac = a.platform === 'darwin';
  const base = (f: string) => f.split(/[\\/]/).pop() ?? f;
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'new', label: 'New Project', accelerator: 'CmdOrCtrl+N', click: () => a.newWindow() },
      { id: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.open() },
      {
        id: 'recent',
        label: 'Open Recent',
        submenu: [
          ...a.recent.map((f, i): MenuItemConstructorOptions => ({
            id: `recent-${i}`,
            label: base(f),
            toolTip: f,
            click: () => a.openRecent(f),
          })),
          ...(a.recent.length ? [{ type: 'separator' } as const] : []),
          { id: 'clear-recent', label: 'Clear Recent', enabled: a.recent.length > 0, click: () => a.clearRecent() },
        ],
      },
      { type: 'separator' },
      { id: 'save', label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => a.send('save') },
      { id: 'saveAs', label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => a.send('saveAs') },
      { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => a.send('export') },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      // Document undo, not the text-field role: the renderer decides (a focused text field undoes its text).
      { id: 'undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => a.send('undo') },
      { id: 'redo', label: 'Redo', accelerator: mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', click: () => a.send('redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ id: 'about', label: `About ${a.appName}`, click: () => a.send('about') }],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: a.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, help];
}
