// `netloom info` on documents past the limits (engine/core's MAX_DEPTH and MAX_BLOCKS): one line with the
// code, exit 1, never a RangeError trace or a process that grows without bound.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve(__dirname, '../../bin/netloom.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-limits-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function info(name: string, text: string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return spawnSync(process.execPath, [bin, 'info', file], { encoding: 'utf8', timeout: 60_000 });
}
const head = '"format":"netloom/network","version":1,"name":"x","input":{"shape":[4]}';

describe('netloom info past the document limits', () => {
  it('a document nested 800 blocks deep: one line with E_TOO_DEEP, exit 1', () => {
    const n = 800;
    const seq = '{"kind":"sequential","id":"s","children":[';
    const r = info(
      'deep.json',
      `{${head},"root":${seq.repeat(n)}{"kind":"layer","id":"l","type":"Flatten"}${']}'.repeat(n)}}`,
    );
    expect(r.stderr).not.toContain('RangeError');
    expect(r.stdout.trim().split('\n')).toEqual([
      'error E_TOO_DEEP at (root): the document is nested too deeply: more than 100 levels of nested objects and arrays',
    ]);
    expect(r.status).toBe(1);
  });

  it('repeat: 1e8 answers E_TOO_LARGE naming the block, exit 1', () => {
    const root =
      '{"kind":"sequential","id":"net","children":[{"kind":"layer","id":"d","type":"Dense","params":{"units":2},"repeat":100000000}]}';
    const r = info('wide.json', `{${head},"root":${root}}`);
    expect(r.stdout).toMatch(/^error E_TOO_LARGE at d: .*100,000 blocks/m);
    expect(r.status).toBe(1);
  });
});
