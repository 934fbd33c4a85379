// Layer parameter validation against the layer's descriptors: unknown names, wrong types, out-of-range values.
import { netError, type NetError } from '../errors';
import type { LayerDef, ParamDescriptor, ParamValues } from '../layers';
import type { Literal } from '../ir/schema';

/** Why `v` does not fit `d`, or null when it does. Shared with the inspector's validate-as-you-type. */
export function paramProblem(
  d: ParamDescriptor,
  v: Literal,
): { code: 'E_PARAM_TYPE' | 'E_PARAM_RANGE'; detail: string } | null {
  if (v === null) return 'nullable' in d && d.nullable ? null : { code: 'E_PARAM_TYPE', detail: 'a value is required' };
  const range = (x: number, min?: number, max?: number) =>
    (min !== undefined && x < min) || (max !== undefined && x > max)
      ? { code: 'E_PARAM_RANGE' as const, detail: `${x} is outside [${min ?? '-∞'}, ${max ?? '∞'}]` }
      : null;
  switch (d.kind) {
    case 'int':
      return Number.isInteger(v)
        ? range(v as number, d.min, d.max)
        : { code: 'E_PARAM_TYPE', detail: `expected an integer, got ${JSON.stringify(v)}` };
    case 'float':
      return typeof v === 'number' && Number.isFinite(v)
        ? range(v, d.min, d.max)
        : { code: 'E_PARAM_TYPE', detail: `expected a number, got ${JSON.stringify(v)}` };
    case 'bool':
      return typeof v === 'boolean'
        ? null
        : { code: 'E_PARAM_TYPE', detail: `expected true or false, got ${JSON.stringify(v)}` };
    case 'enum':
      return typeof v === 'string' && d.options.includes(v)
        ? null
        : { code: 'E_PARAM_TYPE', detail: `expected one of ${d.options.join(', ')}, got ${JSON.stringify(v)}` };
    case 'size2': {
      const parts = Array.isArray(v) ? v : [v];
      if (parts.length < 1 || parts.length > 2 || !parts.every(Number.isInteger)) {
        return { code: 'E_PARAM_TYPE', detail: `expected an integer or a pair [h, w], got ${JSON.stringify(v)}` };
      }
      for (const x of parts as number[]) {
        const r = range(x, d.min);
        if (r) return r;
      }
      return null;
    }
  }
}

/** Checks the given values and fills defaults. Bad values are reported and replaced by the default. */
export function checkParams(
  def: LayerDef,
  given: Record<string, Literal>,
  path: string,
  errors: NetError[],
): ParamValues {
  const out: ParamValues = {};
  for (const k of Object.keys(given)) {
    if (!(k in def.params))
      errors.push(
        netError(
          'E_PARAM_UNKNOWN',
          path,
          `${def.type} has no parameter "${k}" (it has ${Object.keys(def.params).join(', ') || 'none'})`,
        ),
      );
  }
  for (const [k, d] of Object.entries(def.params)) {
    const v = k in given ? given[k] : d.default;
    const problem = k in given ? paramProblem(d, v) : null;
    if (problem) errors.push(netError(problem.code, path, `${def.type}.${k}: ${problem.detail}`));
    out[k] = problem ? d.default : v;
  }
  return out;
}
