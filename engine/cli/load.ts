// Resolves `<template-id | path>` to a document: a bundled template by id, else a file on disk, a legacy JSON
// project or a `.netloom` zip (every command reads what `train --save` and the editor write).
import fs from 'node:fs';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { readProject } from '../export/project/project';
import { encodeWeights } from '../train/weights';
import { CliError } from './args';

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

/**
 * The document as JSON text, its trained weights inside as a legacy single-file project holds them (base64), so
 * one path checks and loads them: a template, a legacy JSON project, or a `.netloom` zip. A JSON file's
 * text is kept as is: its own errors (E_JSON, E_WEIGHTS_*) come from the checks that follow; a zip's, from
 * readProject (E_PROJECT_*). Every failure is one coded line.
 */
export function loadProject(ref: string): { text: string; source: string } {
  if (TEMPLATE_IDS.includes(ref)) return { text: JSON.stringify(loadTemplate(ref)), source: `template ${ref}` };
  const st = fs.statSync(ref, { throwIfNoEntry: false });
  if (!st) throw new CliError(`"${ref}" is neither a template (${TEMPLATE_IDS.join(', ')}) nor a file`);
  if (st.isDirectory())
    throw new CliError(`"${ref}" is a folder; give a .netloom or .netloom.json file`, 'E_NOT_A_FILE', 1);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(ref);
  } catch (e) {
    throw new CliError(`cannot read "${ref}": ${(e as Error).message.split('\n')[0]}`, 'E_READ_FAILED', 1);
  }
  if (!isZip(bytes)) return { text: bytes.toString('utf8'), source: ref };
  try {
    const { doc, weights } = readProject(bytes);
    return { text: JSON.stringify(weights ? { ...doc, weights: encodeWeights(weights) } : doc), source: ref };
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'E_PROJECT_FORMAT';
    throw new CliError(`cannot read "${ref}": ${(e as Error).message.split('\n')[0]}`, code, 1);
  }
}
