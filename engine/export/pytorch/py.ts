// Python source pieces: literals, identifiers, attribute names. Pure string work shared by the generator parts.
import type { Literal, Value } from '../../core';

const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield match case'
  ).split(' '),
);

// Names an nn.Module or nn.Sequential already has: a child module under one of them would shadow (or be refused by)
// PyTorch, e.g. a block with id "train" or "forward".
const RESERVED = new Set(
  (
    'add_module append apply bfloat16 buffers children cpu cuda double dump_patches eval extend extra_repr float ' +
    'forward get_buffer get_extra_state get_parameter get_submodule half insert ipu load_state_dict modules ' +
    'named_buffers named_children named_modules named_parameters parameters pop register_backward_hook ' +
    'register_buffer register_forward_hook register_forward_pre_hook register_full_backward_hook ' +
    'register_load_state_dict_post_hook register_module register_parameter requires_grad_ set_extra_state ' +
    'share_memory state_dict to to_empty train training type xpu zero_grad'
  ).split(' '),
);

/** A Python literal for a document value: `true` → `True`, `[3, 5]` → `(3, 5)`, `null` → `None`. */
export function pyLiteral(v: Literal | Record<string, unknown> | unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'float("nan")' : v > 0 ? 'float("inf")' : 'float("-inf")';
    return v !== 0 && Math.abs(v) < 1e-4 ? v.toExponential() : String(v); // 1e-5, not 0.00001
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyLiteral(v[0])},)` : `(${v.map(pyLiteral).join(', ')})`;
  const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`);
  return `{${entries.join(', ')}}`;
}

/** A document value as Python: a literal, or the definition argument it refers to (`c2[0]`). */
export interface PyValue {
  code: string;
  /** The value when it is a literal (not an argument reference). */
  literal?: Literal;
}

export function pyValue(v: Value, args: ReadonlyMap<string, string>): PyValue {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const name = args.get(v.$arg) ?? pyName(v.$arg);
    return { code: v.index === undefined ? name : `${name}[${v.index}]` };
  }
  return { code: pyLiteral(v), literal: v };
}

/** A safe Python identifier for a name: keywords and module attributes get a trailing `_`, dashes become `_`. */
export function pyName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
  return KEYWORDS.has(s) || RESERVED.has(s) ? `${s}_` : s;
}

/** Attribute names for the children of one container, in order: unique, safe, as close to the ids as possible. */
export function attrNames(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    if (out.has(id)) continue;
    let a = pyName(id);
    for (let k = 2; taken.has(a); k++) a = `${pyName(id)}_${k}`;
    taken.add(a);
    out.set(id, a);
  }
  return out;
}

/** A class name from a document or definition name: `ResNet-18 (small)` → `ResNet18Small`. */
export function className(name: string, taken: ReadonlySet<string>): string {
  let s = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join('');
  if (!s || /^[0-9]/.test(s)) s = `Net${s}`;
  if (KEYWORDS.has(s)) s = `${s}_`;
  const base = s;
  for (let k = 2; taken.has(s); k++) s = `${base}${k}`;
  return s;
}

/** `id.3` (the fourth copy of a repeated block) → ['id', '3']; a plain id → [id]. */
export const splitRepeat = (id: string): [string, string?] => {
  const m = /^(.*)\.(\d+)$/.exec(id);
  return m ? [m[1], m[2]] : [id];
};

export const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
