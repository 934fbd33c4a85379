// The menu's "Export…" end to end without Electron: the template (data) wires the item to main's send, main's
// sendMenuCommand puts it on the channel the preload listens to, and the preload's check lets it through as the
// MenuCommand the renderer's host.onMenu handles ('export' opens the Export dialog: renderer/src/app/files.ts).
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from '../engine/protocol/host';
import { IPC, parseMenuCommand } from './ipc-contract';
import { menuTemplate, sendMenuCommand } from './menu';

const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);

/** A focused window as far as a menu command is concerned: what its webContents was sent. */
class FocusedWindow {
  sent: [string, unknown][] = [];
  webContents = { send: (channel: string, ...args: unknown[]) => this.sent.push([channel, args[0]]) };
}

function template(focused: FocusedWindow | null, platform: NodeJS.Platform = 'linux') {
  return menuTemplate({
    platform,
    recent: [],
    appName: 'Netloom',
    send: (cmd) => sendMenuCommand(focused, cmd),
    newWindow() {},
    open() {},
    openRecent() {},
    clearRecent() {},
  });
}

describe('File ▸ Export…', () => {
  it('sends "export" on the menu channel to the focused window, which the preload passes to the renderer', () => {
    const win = new FocusedWindow();
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const item = flat(template(win, platform)).find((i) => i.label === 'Export…')!;
      expect(item).toMatchObject({ id: 'export', accelerator: 'CmdOrCtrl+E' });
      (item.click as () => void)();
    }
    expect(win.sent).toEqual([
      [IPC.menu, 'export'],
      [IPC.menu, 'export'],
      [IPC.menu, 'export'],
    ]);
    const [channel, payload] = win.sent[0];
    expect(channel).toBe('netloom:menu'); // preload.ts: ipcRenderer.on(IPC.menu, …)
    expect(parseMenuCommand(payload)).toBe('export');
  });

  it('every document item sends a command the preload accepts; nothing else gets through', () => {
    const win = new FocusedWindow();
    const items = flat(template(win)).filter((i) => i.id && MENU_COMMANDS.includes(i.id as never));
    items.forEach((i) => (i.click as () => void)());
    expect(win.sent.map(([, cmd]) => parseMenuCommand(cmd))).toEqual(win.sent.map(([, cmd]) => cmd));
    expect(win.sent.map(([, cmd]) => cmd)).toEqual(['save', 'saveAs', 'export', 'undo', 'redo', 'about']);
    for (const bad of ['rm -rf', '', null, { cmd: 'export' }, 42]) expect(parseMenuCommand(bad)).toBeNull();
  });

  it('with no focused window the command goes nowhere', () => {
    expect(sendMenuCommand(null, 'export')).toBe(false);
    const item = flat(template(null)).find((i) => i.id === 'export')!;
    expect(() => (item.click as () => void)()).not.toThrow();
  });
});
