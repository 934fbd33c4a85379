// The handlers main registers on ipcMain, driven as Electron would: a sender (webContents id + the sending frame's
// URL) and a raw payload from the page. Bad shapes, foreign frames and unknown windows are refused with one line
// before any dialog opens or any file is touched; accepted messages write real files in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataSourceKind } from '../engine/protocol/host';
import { FileGrants } from './files';
import { IPC, remoteErrorLine } from './ipc-contract';
import { ipcHandlers, type Dialogs, type ProjectEntry } from './ipc-handlers';

const APP = 'netloom://app/index.html';
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-ipc-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One project window (id 1) with dialogs that answer from a queue and record what was asked. */
function setup(answers: Partial<Record<keyof Dialogs<ProjectEntry>, (string | null)[]>> = {}) {
  const entry: ProjectEntry = { dirty: false, initial: null };
  const windows = new Map([[1, entry]]);
  const grants = new FileGrants();
  const asked: string[] = [];
  const remembered: string[] = [];
  const answer = (kind: keyof Dialogs<ProjectEntry>, detail = '') => {
    asked.push(detail ? `${kind} ${detail}` : kind);
    const q = answers[kind] ?? [];
    return Promise.resolve(q.length ? q.shift()! : null);
  };
  const h = ipcHandlers({
    windows,
    grants,
    remember: (id, f) => (grants.grant(id, f), remembered.push(f)),
    dialogs: {
      openProject: () => answer('openProject'),
      saveProject: (_w, name) => answer('saveProject', name),
      chooseFolder: (_w, name) => answer('chooseFolder', name),
      pickDataSource: (_w, kind: DataSourceKind) => answer('pickDataSource', kind),
    },
  });
  return { h, entry, grants, asked, remembered, me: { id: 1, frameUrl: APP } };
}

const messageOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: Error) => e.message,
  );

describe('IPC input validation', () => {
  it('refuses bad payload shapes with a line naming the field, before any dialog or file', async () => {
    const { h, asked, me } = setup({ chooseFolder: [dir], saveProject: [path.join(dir, 'x')] });
    const refused: [() => Promise<unknown>, RegExp][] = [
      [
        () => h[IPC.saveFiles](me, { files: 'model.json' }),
        /^E_IPC_REFUSED: refused IPC on netloom:save-files: files: /,
      ],
      [() => h[IPC.saveFiles](me, { files: [] }), /files: Too small/],
      [
        () => h[IPC.saveFiles](me, { files: [{ name: '../../.bashrc', data: 'x' }] }),
        /files\.0\.name: a file name, not a path/,
      ],
      [() => h[IPC.saveFiles](me, { files: [{ name: 'a.bin', data: 42 }] }), /files\.0\.data: /],
      [() => h[IPC.saveFiles](me, undefined), /payload: /],
      [() => h[IPC.saveFile](me, { data: { evil: true } }), /refused IPC on netloom:save-file: data: /],
      [
        () => h[IPC.saveFile](me, { data: '{}', suggestedName: '/etc/passwd' }),
        /suggestedName: a file name, not a path/,
      ],
      [() => h[IPC.pickDataSource](me, '/etc/passwd'), /refused IPC on netloom:pick-data-source: payload: /],
      [() => h[IPC.openFile](me, { path: '/etc/passwd' }), /refused IPC on netloom:open-file/],
    ];
    for (const [send, line] of refused) expect(await messageOf(send())).toMatch(line);
    expect(() => h[IPC.setDocumentState](me, { title: 't', dirty: 'yes' })).toThrow(/dirty: /);
    expect(asked).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a frame that is not the app, and a window main did not create', async () => {
    const { h, asked } = setup({ chooseFolder: [dir] });
    const files = { files: [{ name: 'model.onnx', data: new Uint8Array([1]) }] };
    expect(await messageOf(h[IPC.saveFiles]({ id: 1, frameUrl: 'https://evil.example/' }, files))).toMatch(
      /sender https:\/\/evil\.example\/ is not the app/,
    );
    expect(await messageOf(h[IPC.saveFiles]({ id: 1, frameUrl: undefined }, files))).toMatch(/not the app/);
    expect(await messageOf(h[IPC.saveFiles]({ id: 7, frameUrl: APP }, files))).toMatch(
      /window 7 is not a Netloom project window/,
    );
    expect(() => h[IPC.connectEngine]({ id: 7, frameUrl: APP }, undefined)).toThrow(/window 7/);
    expect(asked).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('the preload hands the page main’s own line, without Electron’s prefix', () => {
    expect(
      remoteErrorLine(
        'Error invoking remote method \'netloom:save-files\': Error: E_WRITE_DENIED: cannot write "/ro/model.json": no permission',
      ),
    ).toBe('E_WRITE_DENIED: cannot write "/ro/model.json": no permission');
    expect(remoteErrorLine('plain message')).toBe('plain message');
  });
});

describe('export into a chosen folder (saveFiles)', () => {
  it('writes the files into the folder the user chose and says where', async () => {
    const { h, asked, me } = setup({ chooseFolder: [dir] });
    const r = await h[IPC.saveFiles](me, {
      files: [
        { name: 'model.json', data: '{}' },
        { name: 'group1-shard1of1.bin', data: new Uint8Array([7, 8]) },
      ],
      suggestedFolder: 'LeNet-tfjs',
    });
    expect(asked).toEqual(['chooseFolder LeNet-tfjs']);
    expect(r).toEqual({ where: dir, names: ['model.json', 'group1-shard1of1.bin'] });
    expect(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).toBe('{}');
    expect([...fs.readFileSync(path.join(dir, 'group1-shard1of1.bin'))]).toEqual([7, 8]);
  });

  it('cancelled: null and nothing written', async () => {
    const { h, me } = setup({ chooseFolder: [null] });
    expect(await h[IPC.saveFiles](me, { files: [{ name: 'model.onnx', data: 'x' }] })).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a folder that cannot take the export: one line with the code, no file', async () => {
    const missing = path.join(dir, 'gone');
    const { h, me } = setup({ chooseFolder: [missing] });
    expect(await messageOf(h[IPC.saveFiles](me, { files: [{ name: 'model.onnx', data: 'x' }] }))).toBe(
      `E_WRITE_NO_DIR: cannot write "${missing}/model.onnx": the folder "${missing}" does not exist`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('Save, Save As and Open through IPC', () => {
  it('Save As asks, writes and grants the file; the next Save writes there without asking', async () => {
    const { h, asked, remembered, me } = setup({ saveProject: [path.join(dir, 'lenet')] });
    const first = await h[IPC.saveFile](me, { data: '{"v":1}', suggestedName: 'LeNet.netloom.json' });
    const file = path.join(dir, 'lenet.netloom.json');
    expect(first).toEqual({ path: file, name: 'lenet.netloom.json' });
    expect(remembered).toEqual([file]);
    expect(await h[IPC.saveFile](me, { data: '{"v":2}', path: file })).toEqual(first);
    expect(asked).toEqual(['saveProject LeNet.netloom.json']); // once
    expect(fs.readFileSync(file, 'utf8')).toBe('{"v":2}');
    // The page's document state may name the saved file (granted), never another one.
    h[IPC.setDocumentState](me, { title: 'LeNet', path: '/etc/passwd', dirty: true });
    expect(h[IPC.setDocumentState](me, { title: 'LeNet', path: file, dirty: false })).toMatchObject({
      title: 'LeNet — Netloom',
      entry: { path: file, dirty: false },
    });
  });

  it('a path the window was never given is not written without asking; cancel writes nothing', async () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep me');
    const { h, asked, me } = setup({ saveProject: [null] });
    expect(await h[IPC.saveFile](me, { data: 'evil', path: victim })).toBeNull();
    expect(asked).toEqual(['saveProject network.netloom.json']);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.readdirSync(dir)).toEqual(['victim']);
  });

  it('Open reads the chosen project and grants it to the window; a data source comes back as a path only', async () => {
    const file = path.join(dir, 'a.netloom.json');
    fs.writeFileSync(file, '{"format":"netloom/network"}');
    const { h, grants, me } = setup({ openProject: [file, null], pickDataSource: ['/data/cells.csv'] });
    expect(await h[IPC.openFile](me, undefined)).toEqual({
      path: file,
      name: 'a.netloom.json',
      text: '{"format":"netloom/network"}',
    });
    expect(grants.allowed(1, file)).toBe(true);
    expect(await h[IPC.openFile](me, null)).toBeNull();
    expect(await h[IPC.pickDataSource](me, 'csv')).toBe('/data/cells.csv');
    expect(await h[IPC.initialFile](me, undefined)).toBeNull();
  });
});
