// Resolves `<template-id | path>` to a document: a bundled template by id, else a file on disk.
import fs from 'node:fs';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { CliError } from './args';

export function loadDocText(ref: string): { text: string; source: string } {
  if (TEMPLATE_IDS.includes(ref)) return { text: JSON.stringify(loadTemplate(ref)), source: `template ${ref}` };
  const st = fs.statSync(ref, { throwIfNoEntry: false });
  if (!st) throw new CliError(`"${ref}" is neither a template (${TEMPLATE_IDS.join(', ')}) nor a file`);
  if (st.isDirectory()) throw new CliError(`"${ref}" is a folder; give a .netloom.json file`, 'E_NOT_A_FILE', 1);
  try {
    return { text: fs.readFileSync(ref, 'utf8'), source: ref };
  } catch (e) {
    throw new CliError(`cannot read "${ref}": ${(e as Error).message.split('\n')[0]}`, 'E_READ_FAILED', 1);
  }
}
