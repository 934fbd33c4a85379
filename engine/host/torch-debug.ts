// engine/debug's model access for a torch run: the runner measures every step's norms (rows on its progress
// events, fed to the monitor in order by TorchTrainer.onSteps) and answers `inspect` requests with raw float32
// files (probe outputs of document paths, parameter values, last gradients), which are read here and deleted.
// Once the runner has ended, the session model holds its trained weights: requests are answered there (tfjs).
import fs from 'node:fs';
import path from 'node:path';
import { TfjsAccess, type InspectRequest, type Inspection, type ModelAccess, type StepSink } from '../debug';
import type { InferResult } from '../core';
import type { BlockOutput } from '../runtime';
import type { Session } from '../train';
import { RunnerEnded, type TorchTrainer } from './torch-run';

interface Item {
  kind: 'output' | 'value' | 'grad';
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export class TorchAccess implements ModelAccess {
  private readonly local: TfjsAccess;
  private probes = 0;

  constructor(
    private readonly trainer: TorchTrainer,
    session: Session,
  ) {
    this.local = new TfjsAccess(session.model);
  }

  get net(): InferResult {
    return this.local.net;
  }

  observe(sink: StepSink): () => void {
    return this.trainer.onSteps((info, norms) => sink.step(info, norms));
  }

  async inspect(req: InspectRequest): Promise<Inspection> {
    try {
      return await this.ask(req);
    } catch (e) {
      if (e instanceof RunnerEnded) return this.local.inspect(req);
      throw e;
    }
  }

  private async ask(req: InspectRequest): Promise<Inspection> {
    let input: string | null = null;
    if (req.paths.length) {
      input = path.join(this.trainer.dir, `probe-${++this.probes}.f32`);
      fs.writeFileSync(input, new Uint8Array(req.input.buffer, req.input.byteOffset, req.input.byteLength));
    }
    let a: Record<string, unknown>;
    try {
      a = await this.trainer.ask({
        cmd: 'inspect',
        paths: req.paths,
        input,
        shape: req.shape,
        values: req.values,
        grads: req.grads,
      });
    } finally {
      if (input) fs.rmSync(input, { force: true });
    }
    if (typeof a.error === 'string') throw new Error(`the torch runner could not inspect the model: ${a.error}`);
    const file = a.file as string;
    const bytes = fs.readFileSync(file);
    fs.rmSync(file, { force: true });
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const out: Inspection = { step: a.step as number, outputs: new Map(), values: new Map(), grads: new Map() };
    for (const it of a.items as Item[]) {
      const data = all.slice(it.offset, it.offset + it.length);
      if (it.kind === 'output') out.outputs.set(it.name, { shape: it.shape, data } satisfies BlockOutput);
      else (it.kind === 'value' ? out.values : out.grads).set(it.name, data);
    }
    return out;
  }

  dispose(): void {
    this.local.dispose();
  }
}
