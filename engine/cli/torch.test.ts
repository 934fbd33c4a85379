// `netloom train --backend torch` as a user runs it: the torch flags' one-line errors, and LeNet trained one epoch
// on real Fashion-MNIST by PyTorch, in one process and in two (torchrun + DDP), to the same accuracy band.
// The training runs are skipped, saying why, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { probeTorch } from '../runtime/backends/torch';
import { cli, cliAsync, expectOneLineError } from './testing';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch training runs: ${probe.reason}`);
const withTorch = probe.ok ? it : it.skip;

const quick = ['train', 'mlp', '--limit', '64', '--epochs', '1', '--json'];

describe('netloom train --backend torch: flags', { timeout: 200_000 }, () => {
  it('refuses bad torch flags in one line, before anything loads', () => {
    expectOneLineError(cli([...quick, '--backend', 'torch', '--device', 'tpu']), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--device must be cpu, cuda, cuda:N or mps, got "tpu"/,
    });
    expectOneLineError(cli([...quick, '--backend', 'torch', '--nproc', '0']), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--nproc must be a whole number >= 1/,
    });
    expectOneLineError(cli([...quick, '--backend', 'torch', '--nnodes', '2']), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--nnodes 2 needs --rdzv HOST:PORT/,
    });
    expectOneLineError(cli([...quick, '--backend', 'wasm', '--nproc', '2']), {
      code: 'E_USAGE',
      status: 2,
      mentions: /--nproc is a torch flag; --backend is wasm/,
    });
  });

  it('a Python that is not there: the reason, and no run', () => {
    const r = cli([...quick, '--backend', 'torch', '--python', '/nonexistent/python3']);
    expectOneLineError(r, {
      code: 'E_BACKEND_UNAVAILABLE',
      status: 2,
      mentions: /Backend 'torch' is not available: \/nonexistent\/python3 not found/,
    });
  });

  withTorch('CUDA asked for where torch has none: a clear message', (ctx) => {
    if (probe.cuda.length) return ctx.skip('this machine has CUDA');
    expectOneLineError(cli([...quick, '--backend', 'torch', '--device', 'cuda']), {
      code: 'E_DEVICE_UNAVAILABLE',
      status: 2,
      mentions: /--device cuda: CUDA is not available to torch/,
    });
  });
});

/** One epoch of LeNet from the command line; its done event. */
async function lenetEpoch(extra: string[]) {
  const run = cliAsync(['train', 'lenet', '--backend', 'torch', '--epochs', '1', '--json', ...extra]);
  const r = await run.exited;
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
  return { start: events.find((e) => e.event === 'start')!, done: events.find((e) => e.event === 'done')! };
}

describe('netloom train --backend torch: LeNet, one epoch of Fashion-MNIST', { timeout: 900_000 }, () => {
  withTorch('one process reaches >= 0.80 test accuracy', async () => {
    const { start, done } = await lenetEpoch([]);
    expect(start).toMatchObject({ backend: 'torch', processes: 1, device: 'cpu' });
    expect(done).toMatchObject({ backend: 'torch', processes: 1, device: 'cpu', epochs: 1 });
    expect(done.testAccuracy).toBeGreaterThanOrEqual(0.8);
  });

  withTorch('--nproc 2 (torchrun, DDP over gloo) reaches the same band', async () => {
    const { done } = await lenetEpoch(['--nproc', '2']);
    expect(done).toMatchObject({ backend: 'torch', processes: 2, device: 'cpu', epochs: 1 });
    expect(done.testAccuracy).toBeGreaterThanOrEqual(0.8);
  });
});
