// A fake engine for protocol and host tests: fast answers, a long-running cancellable call, events,
// typed-array echoes and deliberate failures. It is not an engine; the real one is wired by the lead.
import type { CallContext, Handlers } from '../contract';
import { RpcError } from '../errors';

export interface FakeApiState {
  /** Aborted signals seen by long-running handlers, by call name. */
  aborted: string[];
  /** Handlers that were entered, in order. */
  entered: string[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason ?? new RpcError('E_CANCELLED'));
      },
      { once: true },
    );
  });

export function fakeApi(
  state: FakeApiState = { aborted: [], entered: [] },
): Partial<Handlers> & { state: FakeApiState } {
  const watch = (name: string, ctx: CallContext) => {
    state.entered.push(name);
    ctx.signal.addEventListener('abort', () => state.aborted.push(name), { once: true });
  };
  return {
    state,
    'engine/info': () => ({
      backend: 'fake',
      versions: { fake: '1' },
      protocol: 1,
      pid: 0,
      platform: 'test',
      memory: { rss: 1, heapUsed: 1, heapTotal: 1, external: 0, arrayBuffers: 0 },
    }),
    'graph/infer': ({ doc }) => {
      if (doc === 'boom')
        throw new RpcError('E_SHAPE_MISMATCH', 'dense1 expects 784 inputs, got 10', { path: 'net/dense1' });
      if (doc === 'crash') throw new Error('kaboom');
      return {
        name: 'fake',
        input: [1, 28, 28],
        output: [10],
        params: { trainable: 7850, nonTrainable: 0 },
        flops: 15700,
        blocks: [],
        errors: [],
      };
    },
    // Deliberately returns a result that breaks the contract.
    'data/list': () => ({ datasets: 'not a list' }) as never,
    // Long-running: progress events until cancelled (or 10 s).
    'data/download': async ({ id }, ctx) => {
      watch('data/download', ctx);
      for (let received = 0; received < 1000; received++) {
        ctx.emitToCaller('data/progress', { id, phase: 'download', received, total: 1000 });
        await sleep(10, ctx.signal);
      }
      return { id, path: `/cache/${id}` };
    },
    // Echo typed arrays back so tests can compare bits.
    'predict/run': ({ input }) => {
      if (!('images' in input)) throw new RpcError('E_BAD_PARAMS', 'fake predict needs images');
      const n = input.shape[0];
      const predicted = new Int32Array(n).map((_, i) => (i % 2 === 0 ? -i : 2 ** 31 - 1 - i));
      return { probs: input.images, shape: [n, input.images.length / n] as [number, number], predicted };
    },
    'checkpoint/load': ({ bytes }) => ({ doc: { length: bytes?.length ?? 0 }, epoch: bytes?.[0] ?? 0, step: 0 }),
    'checkpoint/save': () => ({ epoch: 1, step: 2, bytes: new Uint8Array([0, 1, 2, 253, 254, 255]) }),
    // Emits a bad event payload, to prove clients survive it.
    'debug/unsubscribe': (_p, ctx) => {
      ctx.emitToCaller('train/progress', { runId: 'x', epoch: -1 } as never);
      return {};
    },
  };
}
