import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWritable, writeFileAtomic, WriteError } from './atomic';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-io-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const codeOf = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WriteError);
    expect((e as Error).message).not.toContain('\n');
    return (e as WriteError).code;
  }
  throw new Error('expected a WriteError');
};

describe('writeFileAtomic', () => {
  it('writes, replaces, keeps the permission bits and leaves no temporary file', () => {
    const file = path.join(dir, 'a.json');
    writeFileAtomic(file, 'one');
    fs.chmodSync(file, 0o600);
    writeFileAtomic(file, ['t', new TextEncoder().encode('wo')]);
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
  });

  it('keeps the previous file when the write fails midway', () => {
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, 'previous model');
    function* failing() {
      yield 'x'.repeat(1 << 20); // a megabyte reaches the temporary file first
      throw new Error('serializer failed');
    }
    expect(codeOf(() => writeFileAtomic(file, failing()))).toBe('E_WRITE_FAILED');
    expect(fs.readFileSync(file, 'utf8')).toBe('previous model');
    expect(fs.readdirSync(dir)).toEqual(['model.json']);
  });

  it('refuses a folder in place of the file and a missing folder, with codes', () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'inside'), 'kept');
    expect(codeOf(() => writeFileAtomic(sub, 'data'))).toBe('E_WRITE_IS_DIR');
    expect(fs.readFileSync(path.join(sub, 'inside'), 'utf8')).toBe('kept');
    expect(codeOf(() => writeFileAtomic(path.join(dir, 'missing', 'a.json'), 'data'))).toBe('E_WRITE_NO_DIR');
    fs.writeFileSync(path.join(dir, 'plain'), '');
    expect(codeOf(() => writeFileAtomic(path.join(dir, 'plain', 'a.json'), 'data'))).toBe('E_WRITE_NO_DIR');
    expect(fs.readdirSync(dir).sort()).toEqual(['plain', 'sub']);
  });
});

describe('checkWritable', () => {
  it('passes for a new or existing file and leaves nothing behind', () => {
    const file = path.join(dir, 'a.json');
    checkWritable(file);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.writeFileSync(file, 'x');
    checkWritable(file);
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
  });

  it('names what is wrong before any work is done', () => {
    expect(codeOf(() => checkWritable(dir))).toBe('E_WRITE_IS_DIR');
    expect(codeOf(() => checkWritable(path.join(dir, 'nope', 'a.json')))).toBe('E_WRITE_NO_DIR');
  });
});
