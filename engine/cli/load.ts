// Resolves `<template-id | path>` to a document: a bundled template by id, else a file on disk.
import fs from 'node:fs';
import { TEMPLATE_IDS, loadTemplate } from '../../templates';
import { CliError } from './args';

export function loadDocText(ref: string): { text: string; source: string } {
  if (TEMPLATE_IDS.includes(ref)) return { text: JSON.stringify(loadTemplate(ref)), source: `template ${ref}` };
  if (!fs.existsSync(ref)) throw new CliError(`"${ref}" is neither a template (${TEMPLATE_IDS.join(', ')}) nor a file`);
  return { text: fs.readFileSync(ref, 'utf8'), source: ref };
}
