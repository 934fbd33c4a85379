// Editor speed: time to an interactive canvas for the largest templates fully expanded, and frame times
// while dragging a node in a 500-layer graph (requestAnimationFrame deltas). Figures go to
// e2e/artifacts/bench.json and the console.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openEditor, type Session } from './harness';
import { settled } from './ui';

let s: Session;
const results: Record<string, unknown> = {};
beforeAll(async () => {
  s = await openEditor({ theme: 'dark' });
});
afterAll(async () => {
  fs.writeFileSync(path.join(ARTIFACTS, 'bench.json'), JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  await s?.close();
});

/** Milliseconds from "open" to the frame after the canvas has painted its nodes. */
async function openTime(id: string): Promise<{ ms: number; nodes: number }> {
  return s.page.evaluate(async (tpl) => {
    const w = window as unknown as { __netloom: { openTemplate(id: string, expanded: boolean): void } };
    const t0 = performance.now();
    w.__netloom.openTemplate(tpl, true);
    const count = () => document.querySelectorAll('.react-flow__node').length;
    await new Promise<void>((res) => {
      const tick = () => (count() > 20 ? res() : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    return { ms: performance.now() - t0, nodes: count() };
  }, id);
}

const stats = (xs: number[]) => {
  const a = [...xs].sort((p, q) => p - q);
  const q = (f: number) => a[Math.min(a.length - 1, Math.floor(f * a.length))];
  return { frames: a.length, median: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +a[a.length - 1].toFixed(1) };
};

describe('editor speed', () => {
  it('opens DenseNet and GoogLeNet fully expanded in under a second', async () => {
    for (const id of ['densenet', 'googlenet', 'densenet', 'googlenet']) {
      const r = await openTime(id);
      results[`open:${id}`] = [
        ...((results[`open:${id}`] as unknown[]) ?? []),
        { ms: Math.round(r.ms), renderedNodes: r.nodes },
      ];
    }
    const warm = (results['open:densenet'] as { ms: number }[])[1].ms;
    expect(warm).toBeLessThan(1000);
  });

  it('drags a node smoothly in a 500-layer graph', async () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({
      kind: 'layer',
      id: `d${i}`,
      type: 'Dense',
      params: { units: 16 },
    }));
    const edges = nodes.map((n, i) => ({ from: i ? `d${i - 1}` : 'input', to: n.id }));
    const doc = {
      format: 'netloom/network',
      version: 1,
      name: 'Big',
      input: { shape: [16] },
      definitions: {},
      initializers: [],
      root: { kind: 'graph', id: 'net', nodes, edges, output: 'd499' },
    };
    const t = await s.page.evaluate(async (d) => {
      const w = window as unknown as {
        __netloom: {
          docStore: { getState(): { run(n: string, a: unknown): unknown } };
          ui: { getState(): { set(p: unknown): void; fitSeq: number } };
        };
      };
      const t0 = performance.now();
      w.__netloom.docStore.getState().run('replaceDocument', { doc: d });
      await new Promise<void>((res) => {
        const tick = () => (document.querySelector('[data-testid="node-d10"]') ? res() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      });
      return performance.now() - t0;
    }, doc);
    results['open:500-layer graph'] = Math.round(t);
    // Worst case: zoomed to fit, all 500 nodes on screen.
    await s.page.evaluate(() =>
      (window as unknown as { __netloom: { ui: { getState(): { setOpen(p: string): void } } } }).__netloom.ui
        .getState()
        .setOpen(''),
    );
    await s.page.getByTestId('node-d250').waitFor();
    await settled(s.page);
    const box = (await s.page.getByTestId('node-d250').boundingBox())!;
    await s.page.evaluate(() => {
      const w = window as unknown as { __frames: number[] };
      w.__frames = [];
      let last = performance.now();
      const tick = (now: number) => {
        w.__frames.push(now - last);
        last = now;
        if (w.__frames.length < 100000) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await s.page.mouse.down();
    for (let i = 0; i < 90; i++)
      await s.page.mouse.move(box.x + box.width / 2 + i * 3, box.y + box.height / 2 + Math.sin(i / 8) * 60);
    await s.page.mouse.up();
    const frames = await s.page.evaluate(() => (window as unknown as { __frames: number[] }).__frames.slice(1));
    results['drag:500-layer graph (frame ms)'] = stats(frames);
    const moved = await s.page.evaluate(
      () =>
        (
          window as unknown as { __netloom: { docStore: { getState(): { past: { name: string }[] } } } }
        ).__netloom.docStore
          .getState()
          .past.at(-1)?.name,
    );
    expect(moved).toBe('move');
  });
});
