// `netloom train --resume <project.netloom>` and `--save <file>.netloom`: the CLI's side of projects that keep
// their weights, through the same code as the editor (engine/host/project-api: fitWeights, the trainer's
// checkpoint ↔ the project's weights, optimizer state, position and run history).
import fs from 'node:fs';
import { inferNetwork, type InferResult, type NetworkDoc } from '../core';
import { projectChunks } from '../export';
import { openProject, projectOf, recordRun, resumeInto, readBase, type RunRecord } from '../host/project-api';
import type { Trainer } from '../train';
import { CliError } from './args';

/** The project to resume: its bytes, network and run history. A missing or unreadable file is one coded line. */
export function readResume(file: string): { bytes: Uint8Array; net: InferResult; text: string; runs: RunRecord[] } {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) throw new CliError(`--resume: "${file}" does not exist`, 'E_NOT_A_FILE', 1);
  if (st.isDirectory())
    throw new CliError(`--resume: "${file}" is a folder; give a .netloom project`, 'E_NOT_A_FILE', 1);
  const bytes = new Uint8Array(fs.readFileSync(file));
  try {
    const { doc, trained } = openProject(bytes);
    if (!trained)
      throw new CliError(`--resume: "${file}" has no trained weights to continue`, 'E_NOTHING_TO_RESUME', 1);
    const text = JSON.stringify(doc);
    return { bytes, net: inferNetwork(doc), text, runs: (readBase(bytes).runs ?? []) as RunRecord[] };
  } catch (e) {
    if (e instanceof CliError) throw e;
    const err = e as Error & { code?: string };
    throw new CliError(`--resume: ${err.message}`, err.code ?? 'E_PROJECT_FORMAT', 1);
  }
}

/** Restores the project into the trainer before it runs; says which layers start afresh (structure changed). */
export async function restoreRun(trainer: Trainer, doc: NetworkDoc, bytes: Uint8Array, quiet: boolean) {
  const dropped = await resumeInto(trainer, doc, bytes);
  if (!quiet) {
    const { epoch, step } = trainer.position;
    process.stderr.write(`resuming at epoch ${epoch + 1}, step ${step}\n`);
    if (dropped.length) process.stderr.write(`without the weights that no longer fit: ${dropped.join('; ')}\n`);
  }
}

/** True when --save names a project zip (`.netloom`); other names keep today's JSON with base64 weights. */
export const savesProject = (file: string) => /\.netloom$/i.test(file);

/** Follows the run for the history saved with it. */
export const historyOf = (trainer: Trainer, before: RunRecord[] = []) => recordRun(trainer, before);

/** The `.netloom` zip of a finished run, as chunks for engine/io's atomic write (re-iterable for a rescue copy). */
export async function projectData(trainer: Trainer, doc: NetworkDoc, runs: RunRecord[]) {
  return projectChunks(projectOf(doc, await trainer.checkpoint(), runs));
}
