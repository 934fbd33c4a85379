// The bundled templates: classic networks as IR documents (data, not code). Listed once here.
import mlp from './mlp.json';
import lenet from './lenet.json';

const TEMPLATES: Record<string, unknown> = { mlp, lenet };

export const TEMPLATE_IDS: readonly string[] = Object.keys(TEMPLATES);

/** A fresh copy of a template document (callers may mutate it). */
export function loadTemplate(id: string): unknown {
  const t = TEMPLATES[id];
  if (!t) throw new Error(`no template "${id}"`);
  return structuredClone(t);
}
