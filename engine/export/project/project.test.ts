// The project format: safetensors that Python reads, a .netloom zip that round-trips weights, optimizer state,
// position and runs, and today's single-file JSON projects (base64 weights) migrated on read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { inferNetwork, type NetworkDoc } from '../../core';
import { loadTemplate } from '../../../templates';
import { encodeProject, readProject, ProjectError, type Project } from './project';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { writeProject } from './write';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netloom-project-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every parameter of a template with distinct values (what they are does not matter to the format). */
function weightsOf(id: string) {
  const net = inferNetwork(loadTemplate(id));
  const w = Object.fromEntries(
    net.parameters.map((p, k) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      return [p.name, { shape: p.shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(i + k) * 3) }];
    }),
  );
  return { doc: net.doc as NetworkDoc, weights: w };
}

const havePython = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('safetensors', () => {
  it('round-trips float32 tensors with metadata and an 8-byte-aligned header', () => {
    const t = {
      a: { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
      b: { shape: [], data: Float32Array.of(7) },
    };
    const bytes = encodeSafetensors(t, { format: 'pt' });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(back.tensors.a.shape).toEqual([2, 3]);
    expect([...back.tensors.a.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...back.tensors.b.data]).toEqual([7]);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(/not a valid safetensors file/);
  });

  it.skipIf(!havePython)(
    'is read by Python (struct + json + numpy, as the format specifies) with the same values',
    () => {
      const { weights } = weightsOf('lenet-bn');
      const file = path.join(dir, 'w.safetensors');
      fs.writeFileSync(file, encodeSafetensors(weights));
      const script = `
import json, struct, sys, numpy as np
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
out = {}
for name, h in header.items():
    if name == '__metadata__': continue
    a, b = h['data_offsets']
    t = np.frombuffer(data[a:b], dtype='<f4').reshape(h['shape'])
    out[name] = [list(t.shape), float(t.sum()), float(t.reshape(-1)[-1])]
try:
    from safetensors.numpy import load_file
    lib = load_file(sys.argv[1])
    assert all(np.array_equal(lib[k], np.frombuffer(data[header[k]['data_offsets'][0]:header[k]['data_offsets'][1]], '<f4').reshape(header[k]['shape'])) for k in lib)
except ImportError:
    pass
print(json.dumps(out))
`;
      const got = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
      expect(Object.keys(got).sort()).toEqual(Object.keys(weights).sort());
      for (const [name, t] of Object.entries(weights)) {
        const sum = t.data.reduce((a, b) => a + b, 0);
        expect(got[name][0]).toEqual(t.shape);
        expect(got[name][1]).toBeCloseTo(sum, 2);
        expect(got[name][2]).toBe(t.data[t.data.length - 1]);
      }
      expect(Object.keys(got).filter((k) => k.endsWith('_running_var'))).toHaveLength(3);
    },
  );
});

describe('.netloom projects', () => {
  it('round-trip the document, weights, optimizer state, position and runs', () => {
    const { doc, weights } = weightsOf('lenet-bn');
    const slots = { [`${Object.keys(weights)[0]}/v`]: { shape: [2], data: Float32Array.of(0.5, -0.5) } };
    const position = { epoch: 2, batch: 3, step: 120, optimizerStep: 120, lr: 0.05, rngState: 123456 };
    const p: Project = { doc, weights, optimizer: { slots, position }, runs: [{ id: 'run-1', epochs: 2 }] };
    const bytes = encodeProject(p);
    const names = Object.keys(unzipSync(bytes)).sort();
    expect(names).toEqual([
      'network.json',
      'optimizer.safetensors',
      'position.json',
      'project.json',
      'runs.json',
      'weights.safetensors',
    ]);
    const back = readProject(bytes);
    expect(back.doc).toEqual(doc);
    expect(back.doc.weights).toBeUndefined();
    for (const [name, t] of Object.entries(weights)) expect(back.weights![name].data).toEqual(t.data);
    expect(back.optimizer!.position).toEqual(position);
    expect([...back.optimizer!.slots[Object.keys(slots)[0]].data]).toEqual([0.5, -0.5]);
    expect(back.runs).toEqual(p.runs);
  });

  it('migrate a single-file JSON project with base64 weights', () => {
    const { doc, weights } = weightsOf('mlp');
    const legacy = {
      ...doc,
      weights: Object.fromEntries(
        Object.entries(weights).map(([k, t]) => [
          k,
          { shape: t.shape, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') },
        ]),
      ),
    };
    const back = readProject(new TextEncoder().encode(JSON.stringify(legacy)));
    expect(back.doc.weights).toBeUndefined();
    expect(back.doc.name).toBe(doc.name);
    for (const [name, t] of Object.entries(weights)) expect(back.weights![name].data).toEqual(t.data);
    // And written out again as a .netloom zip, the same weights come back.
    const again = readProject(encodeProject(back));
    for (const [name, t] of Object.entries(weights)) expect(again.weights![name].data).toEqual(t.data);
  });

  it('refuse what is not a project with a coded one-line error', () => {
    const codeOf = (b: Uint8Array) => {
      try {
        readProject(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ProjectError);
        expect((e as Error).message).not.toContain('\n');
        return (e as ProjectError).code;
      }
      throw new Error('expected a ProjectError');
    };
    expect(codeOf(new TextEncoder().encode('{"format": "netloom/network"'))).toBe('E_PROJECT_DOC');
    const bytes = encodeProject({ doc: weightsOf('mlp').doc, weights: null });
    expect(codeOf(bytes.subarray(0, bytes.length - 30))).toBe('E_PROJECT_FORMAT');
  });

  it('write atomically to a file', async () => {
    const { doc, weights } = weightsOf('mlp');
    const file = path.join(dir, 'mlp.netloom');
    fs.writeFileSync(file, 'previous');
    await writeProject(file, { doc, weights });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(readProject(fs.readFileSync(file)).weights![Object.keys(weights)[0]].data).toEqual(
      Object.values(weights)[0].data,
    );
  });
});
