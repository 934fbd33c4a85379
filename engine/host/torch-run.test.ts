// The torch backend end to end with Debian's python3-torch: one step matches wasm from the same weights and batch,
// the trained weights come back and predict on wasm as in PyTorch, the controls hold the run exactly (no sleeps:
// pauseAtStep, step N, whenHeld), a crashing runner fails the run with Python's last error line, and killing
// the engine leaves no Python behind. Skipped, saying why, where no Python has torch.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../templates';
import { until } from '../protocol/testing/until';
import { probeTorch } from '../runtime/backends/torch';
import { openSession, Trainer, type TrainConfig, type TrainEvent } from '../train';
import { TorchTrainer } from './torch-run';

const probe = await probeTorch();
if (!probe.ok) console.warn(`skipping the torch backend tests: ${probe.reason}`);
const suite = probe.ok ? describe : describe.skip;

const open = (id: string, limit: number, seed = 3) =>
  openSession({ doc: loadTemplate(id), limit, validationSplit: 0, seed, backend: 'wasm' });

const progress = (events: TrainEvent[]) =>
  events.filter((e): e is Extract<TrainEvent, { event: 'progress' }> => e.event === 'progress');

suite('torch backend', { timeout: 300_000 }, () => {
  it.each(['lenet', 'lenet-bn'])(
    '%s: one step matches wasm from the same weights and batch; the weights come back and predict the same on wasm',
    async (id) => {
      const cfg: TrainConfig = {
        epochs: 1,
        batchSize: 32,
        optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 },
      };
      // One batch holding the whole (32-sample) training set: the loss is a mean, so the visiting order is moot.
      const wasm = await open(id, 32);
      const torch = await open(id, 32);
      const start = await torch.model.params.toGluon();
      expect(await wasm.model.params.toGluon()).toEqual(start); // the same seed, the same start
      const wasmEvents: TrainEvent[] = [];
      const wt = new Trainer(wasm.model, wasm.data, cfg, wasm.backend);
      wt.on((e) => wasmEvents.push(e));
      await wt.run();
      const torchEvents: TrainEvent[] = [];
      const tt = new TorchTrainer(torch, cfg, probe);
      tt.on((e) => torchEvents.push(e));
      const done = await tt.run();
      try {
        expect(done).toMatchObject({ backend: 'torch', processes: 1, device: 'cpu', steps: 1 });
        const [lw, lt] = [progress(wasmEvents)[0].loss, progress(torchEvents)[0].loss];
        expect(Math.abs(lw - lt), `loss wasm ${lw} torch ${lt}`).toBeLessThan(1e-4);
        const after = { wasm: await wasm.model.params.toGluon(), torch: await torch.model.params.toGluon() };
        expect(Object.keys(after.torch)).toEqual(Object.keys(after.wasm));
        let moved = 0;
        for (const [name, w] of Object.entries(after.wasm)) {
          const t = after.torch[name];
          expect(t.shape, name).toEqual(w.shape);
          let worst = 0;
          for (let i = 0; i < w.data.length; i++) {
            worst = Math.max(worst, Math.abs(w.data[i] - t.data[i]));
            moved = Math.max(moved, Math.abs(t.data[i] - start[name].data[i]));
          }
          expect(worst, `${name}: the updated weights differ by ${worst}`).toBeLessThan(1e-4);
        }
        expect(moved, 'the step changed the weights').toBeGreaterThan(1e-4);
        // What PyTorch measured on the test set with its weights, wasm measures with the weights brought back.
        const onWasm = await new Trainer(torch.model, torch.data, cfg).evaluate('test');
        expect(Math.abs(onWasm.loss - done.testLoss)).toBeLessThan(1e-4);
        expect(onWasm.accuracy).toBe(done.testAccuracy);
      } finally {
        wt.dispose();
        tt.dispose();
        wasm.model.dispose();
        torch.model.dispose();
      }
    },
  );

  it('pauseAtStep, step N, setLr, pause/resume and stop hold the run exactly', async () => {
    const session = await open('mlp', 1024);
    const events: TrainEvent[] = [];
    const t = new TorchTrainer(
      session,
      { epochs: 20, batchSize: 16, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, pauseAtStep: 3 },
      probe,
    );
    t.on((e) => events.push(e));
    const finished = t.run();
    try {
      await t.whenHeld();
      expect([t.state, t.position.step]).toEqual(['paused', 3]);
      t.step(2);
      expect(t.state).toBe('running'); // as the tfjs trainer: a status read right after the call is current
      await t.whenHeld();
      expect([t.state, t.position.step]).toEqual(['paused', 5]);
      // A checkpoint mid-run carries the weights after those five steps, not the start.
      const start = await open('mlp', 1024).then(async (s) => {
        const w = await s.model.params.toGluon();
        s.model.dispose();
        return w;
      });
      const { weights, position } = await t.checkpoint();
      expect(position.step).toBe(5);
      const name = Object.keys(start)[0];
      expect(weights[name].data).not.toEqual(start[name].data);
      t.setLr(0.01);
      t.step(1);
      await t.whenHeld();
      expect(progress(events).at(-1)).toMatchObject({ step: 6, lr: 0.01 });
      t.resume();
      await until(() => t.position.step >= 9, { what: 'three more batches after resume', ms: 120_000 });
      t.pause();
      await t.whenHeld();
      const at = t.position.step;
      expect(t.state).toBe('paused');
      t.step(1);
      await t.whenHeld();
      expect(t.position.step).toBe(at + 1);
      t.stop();
      const done = await finished;
      expect(done).toMatchObject({ stopped: true, steps: at + 1, backend: 'torch' });
      expect(t.state).toBe('stopped');
      const states = events.filter((e) => e.event === 'state').map((e) => (e as { state: string }).state);
      expect(states.at(-1)).toBe('stopped');
    } finally {
      t.stop();
      await finished.catch(() => {});
      t.dispose();
      session.model.dispose();
    }
  });

  it('a runner that crashes mid-run fails the run with its last error line; the engine goes on', async () => {
    const session = await open('mlp', 64);
    const t = new TorchTrainer(
      session,
      { epochs: 1, batchSize: 16, optimizer: { type: 'sgd', lr: 0.1 }, startPaused: true },
      probe,
    );
    const finished = t.run();
    try {
      await t.whenHeld();
      expect(t.state).toBe('paused');
      // A control the runner cannot take (TorchTrainer.setLr refuses it; written past it here) crashes Python.
      (t as unknown as { control(c: object): void }).control({ cmd: 'setLr', lr: 'fast' });
      await expect(finished).rejects.toThrow(
        /^the torch runner failed: ValueError: could not convert string to float: 'fast'$/,
      );
      expect(t.state).toBe('failed');
      await t.whenHeld(); // nothing waits forever on a failed run
    } finally {
      t.dispose();
      session.model.dispose();
    }
  });

  it('killing the engine leaves no Python process behind', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const engine = spawn(
      process.execPath,
      ['--import', tsx, path.join(import.meta.dirname, 'testing/torch-orphan.ts')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    engine.stdout!.on('data', (d) => (out += d));
    try {
      await until(() => out.includes('\n') || engine.exitCode !== null, { what: 'the runner pid', ms: 180_000 });
      const { pid } = JSON.parse(out) as { pid: number };
      const alive = () => {
        try {
          return !/^\d+ \([^)]*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is gone too
        } catch {
          return false;
        }
      };
      expect(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('runner.py');
      expect(alive()).toBe(true);
      engine.kill('SIGKILL');
      await until(() => !alive(), { what: `the runner (pid ${pid}) to end with the engine`, ms: 30_000 });
    } finally {
      engine.kill('SIGKILL');
    }
  });
});
