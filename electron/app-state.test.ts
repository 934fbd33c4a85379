import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppStateStore, DEFAULT_STATE, MAX_RECENT, placeOnScreen } from './app-state';
import { FileGrants, withProjectExtension } from './files';
import { menuTemplate } from './menu';
import type { MenuItemConstructorOptions } from 'electron';

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-state-')), 'state.json');

describe('app state (window bounds, recent files)', () => {
  it('survives a restart, and a corrupt file means defaults', () => {
    const file = tmp();
    const a = new AppStateStore(file);
    a.setWindow({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    a.addRecent('/p/a.netloom.json');
    a.addRecent('/p/b.netloom.json');
    a.addRecent('/p/a.netloom.json');
    expect(new AppStateStore(file).get()).toEqual({
      window: { x: 10, y: 20, width: 1000, height: 700, maximized: true },
      recent: ['/p/a.netloom.json', '/p/b.netloom.json'],
    });
    for (let i = 0; i < 20; i++) a.addRecent(`/p/${i}.json`);
    expect(a.get().recent).toHaveLength(MAX_RECENT);
    fs.writeFileSync(file, '{ not json');
    expect(new AppStateStore(file).get()).toEqual(DEFAULT_STATE);
    fs.writeFileSync(file, JSON.stringify({ window: { width: -5 } }));
    expect(new AppStateStore(file).get()).toEqual(DEFAULT_STATE);
  });

  it('drops a saved position that is off every screen', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(placeOnScreen({ x: 100, y: 100, width: 800, height: 600, maximized: false }, screens).x).toBe(100);
    expect(placeOnScreen({ x: 5000, y: 100, width: 800, height: 600, maximized: false }, screens)).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    });
  });
});

describe('file grants', () => {
  it('a window may write only paths main handed to it', () => {
    const g = new FileGrants();
    g.grant(1, '/home/u/a.netloom.json');
    expect(g.allowed(1, '/home/u/a.netloom.json')).toBe(true);
    expect(g.allowed(2, '/home/u/a.netloom.json')).toBe(false);
    expect(g.allowed(1, '/home/u/.bashrc')).toBe(false);
    g.forget(1);
    expect(g.allowed(1, '/home/u/a.netloom.json')).toBe(false);
    expect(withProjectExtension('/x/net')).toBe('/x/net.netloom.json');
    expect(withProjectExtension('/x/net.netloom.json')).toBe('/x/net.netloom.json');
    expect(withProjectExtension('/x/net', true)).toBe('/x/net.netloom');
    expect(withProjectExtension('/x/net.netloom', true)).toBe('/x/net.netloom');
  });
});

describe('application menu', () => {
  const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
  it('has File/Edit/View/Help with the document commands wired to the renderer', () => {
    const sent: string[] = [];
    const opened: string[] = [];
    const t = menuTemplate({
      platform: 'linux',
      recent: ['/p/a.netloom.json'],
      appName: 'Netloom',
      send: (c) => sent.push(c),
      newWindow: () => opened.push('new'),
      open: () => opened.push('open'),
      openRecent: (f) => opened.push(f),
      clearRecent: () => opened.push('clear'),
    });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'help']);
    const items = flat(t);
    const click = (id: string) => (items.find((i) => i.id === id)!.click as () => void)();
    for (const id of ['save', 'saveAs', 'export', 'undo', 'redo', 'about']) click(id);
    expect(sent).toEqual(['save', 'saveAs', 'export', 'undo', 'redo', 'about']);
    for (const id of ['new', 'open', 'recent-0', 'clear-recent']) click(id);
    expect(opened).toEqual(['new', 'open', '/p/a.netloom.json', 'clear']);
    expect(items.find((i) => i.id === 'save')!.accelerator).toBe('CmdOrCtrl+S');
    expect(items.find((i) => i.id === 'recent-0')!.label).toBe('a.netloom.json');
  });
  it('adds the app menu on macOS', () => {
    const t = menuTemplate({
      platform: 'darwin',
      recent: [],
      appName: 'Netloom',
      send() {},
      newWindow() {},
      open() {},
      openRecent() {},
      clearRecent() {},
    });
    expect(t[0].label).toBe('Netloom');
  });
});
