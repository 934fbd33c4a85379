// Main's file work with real files in a temporary folder: an export's files written into the chosen folder
// (atomically, nothing written when any check fails), Save / Save As / cancel, and reading a project back. The
// dialogs are what Electron would hand over: a chosen path, or null when the user cancelled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWriteError } from '../engine/io';
import { errorLine, exportToFolder, readProjectFile, SaveError, saveProject, writeIntoFolder } from './file-actions';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-files-'));
});
afterEach(() => {
  fs.chmodSync(dir, 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The code of what `f` throws (SaveError or WriteError). */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SaveError || isWriteError(e)) return e.code;
    throw e;
  }
  throw new Error('did not throw');
}

const shard = Uint8Array.from({ length: 5 * 1024 * 1024 }, (_, i) => (i * 31) & 255);
const exportFiles = () => [
  { name: 'model.json', data: '{"format":"layers-model"}' },
  { name: 'group1-shard1of2.bin', data: shard },
  { name: 'group1-shard2of2.bin', data: new Uint8Array([1, 2, 3]) },
];
const listing = (d: string) => fs.readdirSync(d).sort();

describe('an export written into the chosen folder', () => {
  it('writes every file whole, replaces an earlier export, and leaves no temporary file', () => {
    const out = path.join(dir, 'export');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'model.json'), 'the previous export');
    fs.chmodSync(path.join(out, 'model.json'), 0o640);
    expect(writeIntoFolder(out, exportFiles())).toEqual({
      where: out,
      names: ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'],
    });
    expect(listing(out)).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).toBe('{"format":"layers-model"}');
    expect(fs.readFileSync(path.join(out, 'group1-shard1of2.bin')).equals(Buffer.from(shard))).toBe(true);
    expect([...fs.readFileSync(path.join(out, 'group1-shard2of2.bin'))]).toEqual([1, 2, 3]);
    expect(fs.statSync(path.join(out, 'model.json')).mode & 0o777).toBe(0o640); // the replaced file keeps its mode
  });

  it('refuses a name that would land outside the folder, before writing anything', () => {
    fs.mkdirSync(path.join(dir, 'out'));
    for (const name of ['../escape.json', '/etc/passwd', 'sub/model.json', '..', '.', ''])
      expect(codeOf(() => writeIntoFolder(path.join(dir, 'out'), [...exportFiles(), { name, data: 'x' }]))).toBe(
        'E_SAVE_OUTSIDE_FOLDER',
      );
    expect(listing(path.join(dir, 'out'))).toEqual([]); // not even the valid files before the bad one
    expect(listing(dir)).toEqual(['out']);
    expect(codeOf(() => writeIntoFolder(dir, [exportFiles()[0], exportFiles()[0]]))).toBe('E_SAVE_DUPLICATE');
  });

  it('refuses a symbolic link planted in the folder and leaves its target alone', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(victim, path.join(out, 'group1-shard2of2.bin'));
    let message = '';
    try {
      writeIntoFolder(out, exportFiles());
    } catch (e) {
      expect((e as SaveError).code).toBe('E_SAVE_SYMLINK');
      message = errorLine(e);
    }
    expect(message).toMatch(/^E_SAVE_SYMLINK: ".*group1-shard2of2\.bin" is a symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(listing(out)).toEqual(['group1-shard2of2.bin']); // the link only: nothing was written
    expect(fs.lstatSync(path.join(out, 'group1-shard2of2.bin')).isSymbolicLink()).toBe(true);
  });

  it('says clearly that a missing folder or a file in place of the folder cannot take the export', () => {
    expect(codeOf(() => writeIntoFolder(path.join(dir, 'missing'), exportFiles()))).toBe('E_WRITE_NO_DIR');
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    expect(codeOf(() => writeIntoFolder(path.join(dir, 'plain'), exportFiles()))).toBe('E_WRITE_NO_DIR');
    fs.mkdirSync(path.join(dir, 'out', 'group1-shard2of2.bin'), { recursive: true });
    expect(codeOf(() => writeIntoFolder(path.join(dir, 'out'), exportFiles()))).toBe('E_WRITE_IS_DIR');
    expect(listing(path.join(dir, 'out'))).toEqual(['group1-shard2of2.bin']); // the files before it were not written
  });

  // A read-only folder: permission bits for an ordinary user; root ignores them, so as root sysfs's /sys/kernel
  // (a real folder in which no one may create a file) stands in.
  const root = process.getuid?.() === 0;
  const sysfs = root && fs.existsSync('/sys/kernel');
  if (root && !sysfs) console.warn('skipped the read-only folder test: running as root, and there is no /sys/kernel');
  it.skipIf(root && !sysfs)('refuses a read-only folder with E_WRITE_DENIED and one line naming it', () => {
    const ro = root ? '/sys/kernel' : path.join(dir, 'ro');
    if (!root) {
      fs.mkdirSync(ro);
      fs.chmodSync(ro, 0o555);
    }
    const before = listing(ro);
    let line = '';
    try {
      writeIntoFolder(ro, exportFiles());
    } catch (e) {
      line = errorLine(e);
    }
    expect(line).toBe(`E_WRITE_DENIED: cannot write "${ro}/model.json": no permission to write in "${ro}"`);
    expect(listing(ro)).toEqual(before);
    if (!root) fs.chmodSync(ro, 0o755);
  });

  it('asks for the folder first; cancelling the dialog writes nothing', async () => {
    let asked = 0;
    expect(await exportToFolder(exportFiles(), async () => (asked++, null))).toBeNull();
    expect(asked).toBe(1);
    expect(listing(dir)).toEqual([]);
    const r = await exportToFolder(exportFiles(), async () => dir);
    expect(r?.where).toBe(dir);
    expect(listing(dir)).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
  });
});

describe('Save and Save As', () => {
  const neverAsk = async (): Promise<string | null> => {
    throw new Error('the dialog must not open');
  };

  it('Save writes over the granted file without asking, atomically', async () => {
    const file = path.join(dir, 'net.netloom.json');
    fs.writeFileSync(file, '{"old":true}');
    const r = await saveProject(
      { data: '{"new":true}', path: file },
      { granted: (f) => f === file, askPath: neverAsk },
    );
    expect(r).toEqual({ path: file, name: 'net.netloom.json' });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"new":true}');
    expect(listing(dir)).toEqual(['net.netloom.json']);
  });

  it('a path main never granted is not written: the user is asked instead', async () => {
    const elsewhere = path.join(dir, 'bashrc');
    fs.writeFileSync(elsewhere, 'keep me');
    const chosen = path.join(dir, 'mine');
    const asked: string[] = [];
    const r = await saveProject(
      { data: '{}', path: elsewhere, suggestedName: 'LeNet.netloom.json' },
      { granted: () => false, askPath: async (name) => (asked.push(name), chosen) },
    );
    expect(asked).toEqual(['LeNet.netloom.json']);
    expect(r).toEqual({ path: `${chosen}.netloom.json`, name: 'mine.netloom.json' }); // extension added
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('keep me');
  });

  it('Save As of a trained project (bytes) gets .netloom; cancel writes nothing', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9]);
    const r = await saveProject({ data: zip }, { granted: () => true, askPath: async () => path.join(dir, 'run') });
    expect(r?.path).toBe(path.join(dir, 'run.netloom'));
    expect(readProjectFile(r!.path)).toEqual({ path: r!.path, name: 'run.netloom', text: '', bytes: zip });
    expect(await saveProject({ data: '{}' }, { granted: () => true, askPath: async () => null })).toBeNull();
    expect(listing(dir)).toEqual(['run.netloom']);
  });

  it('a failed save says why with a code, and the granted file stays as it was', async () => {
    // (A write failing midway leaving the previous file is engine/io's atomic.test.ts: Save writes through it.)
    const file = path.join(dir, 'net.netloom.json');
    fs.writeFileSync(file, 'previous');
    fs.mkdirSync(path.join(dir, 'folder.netloom.json'));
    for (const [target, line] of [
      [
        path.join(dir, 'gone', 'x.netloom.json'),
        /^E_WRITE_NO_DIR: cannot write ".*gone\/x\.netloom\.json": the folder/,
      ],
      [
        path.join(dir, 'folder.netloom.json'),
        /^E_WRITE_IS_DIR: cannot write ".*folder\.netloom\.json": it is a folder/,
      ],
    ] as const) {
      const err = await saveProject({ data: '{}', path: target }, { granted: () => true, askPath: neverAsk }).catch(
        (e: unknown) => e,
      );
      expect(errorLine(err)).toMatch(line);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('previous');
    expect(listing(dir)).toEqual(['folder.netloom.json', 'net.netloom.json']);
  });

  it('reads a JSON project as text for the window', () => {
    const file = path.join(dir, 'a.netloom.json');
    fs.writeFileSync(file, '{"format":"netloom/network"}');
    expect(readProjectFile(file)).toEqual({ path: file, name: 'a.netloom.json', text: '{"format":"netloom/network"}' });
  });
});
