// The document limits that keep inference cheap and total: nesting depth (checked before any recursive
// parsing) and the number of blocks `repeat` and definitions may expand to. Each refusal is a coded error,
// never a throw, and arrives fast.
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, jsonDepthExceeds } from '../ir/schema';
import { MAX_BLOCKS } from './expand';
import { inferNetwork, parseDocument } from './index';
import { doc, instance, layer, seq } from './testdocs';

/** `levels` Sequentials nested inside each other around one Flatten. */
export function deepDoc(levels: number) {
  let b: Record<string, unknown> = layer('l', 'Flatten');
  for (let i = 0; i < levels; i++) b = seq(`s${i}`, b);
  return doc(b);
}

describe('nesting depth', () => {
  it('refuses a document nested 800 levels deep with E_TOO_DEEP instead of overflowing the stack', () => {
    const r = inferNetwork(deepDoc(800));
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([['E_TOO_DEEP', '']]);
    expect(r.errors[0].message).toContain(`${MAX_DEPTH}`);
    // As JSON text, and far deeper (JSON.stringify itself overflows there, so the text is built by hand).
    const n = 20_000;
    const text = `{"format":"netloom/network","version":1,"name":"d","input":{"shape":[4]},"root":${'{"kind":"sequential","id":"s","children":['.repeat(n)}{"kind":"layer","id":"l","type":"Flatten"}${']}'.repeat(n)}}`;
    expect(parseDocument(text).errors.map((e) => e.code)).toEqual(['E_TOO_DEEP']);
    // Deep garbage that is not a document at all: still the one coded error, not a RangeError.
    let junk: unknown = 1;
    for (let i = 0; i < 100_000; i++) junk = [junk];
    expect(inferNetwork({ format: 'netloom/network', version: 1, junk }).errors.map((e) => e.code)).toEqual([
      'E_TOO_DEEP',
    ]);
  });

  it('accepts nesting well past what real networks use (the templates reach 9 JSON levels)', () => {
    const r = inferNetwork(deepDoc(40));
    expect(r.errors).toEqual([]);
    expect(r.output).toEqual([784]);
  });

  it('counts depth iteratively, exactly', () => {
    expect(jsonDepthExceeds(1, 0)).toBe(false);
    expect(jsonDepthExceeds({ a: [1] }, 2)).toBe(false);
    expect(jsonDepthExceeds({ a: [1] }, 1)).toBe(true);
    expect(jsonDepthExceeds({ a: [[]], b: {} }, 2)).toBe(true);
  });
});

describe('expansion size', () => {
  it('refuses repeat: 1e8 with E_TOO_LARGE naming the block, at once', () => {
    const t = Date.now();
    const r = inferNetwork(
      doc(seq('net', layer('flat', 'Flatten'), layer('d', 'Dense', { units: 4 }, { repeat: 1e8 }))),
    );
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([['E_TOO_LARGE', 'd']]);
    expect(r.errors[0].message).toContain(MAX_BLOCKS.toLocaleString('en-US'));
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  it('counts nested repeats and definitions together (1,000 × 1,000 blocks is refused)', () => {
    const defs = { Wide: { args: [], body: seq('w', layer('d', 'Dense', { units: 2 }, { repeat: 1000 })) } };
    const r = inferNetwork(
      doc(seq('net', layer('flat', 'Flatten'), instance('w', 'Wide', undefined, { repeat: 1000 })), {
        definitions: defs,
      }),
    );
    expect(r.errors.map((e) => e.code)).toEqual(['E_TOO_LARGE']);
    expect(r.errors[0].path).toMatch(/^w\.\d+\/d$/);
  });

  it('still expands large legitimate repeats', () => {
    const r = inferNetwork(
      doc(seq('net', layer('flat', 'Flatten'), layer('d', 'Dense', { units: 2 }, { repeat: 2000 }))),
    );
    expect(r.errors).toEqual([]);
    expect(r.blocks.length).toBe(2002);
  });
});
