// Whole-network inference: parse → validate → expand → propagate shapes. Pure and synchronous, so the
// editor runs it on every edit and the engine at every boundary. Bad documents never throw.
import { netError, type NetError } from '../errors';
import { NetworkDoc, FORMAT, MAX_DEPTH, VERSION, jsonDepthExceeds } from '../ir/schema';
import type { Init } from '../ir/schema';
import { size } from '../layers';
import { expand, type XNode } from './expand';
import { Scope, ShapeInference, type BlockInfo } from './shapes';
import { resolveInit } from './init';

export interface ParamInfo {
  /** Gluon name, e.g. `sequential0_dense0_weight`. */
  name: string;
  /** Path of the layer that owns the parameter. */
  owner: string;
  /** The layer's own name for it: `weight`, `bias`, `gamma`, `running_mean`, … */
  param: string;
  shape: number[];
  trainable: boolean;
  init: Init;
  /** Paths of every block that uses it (more than one when shared or applied twice). */
  usedBy: string[];
}

export interface InferResult {
  name: string;
  input: number[];
  output: number[] | null;
  params: { trainable: number; nonTrainable: number };
  flops: number;
  /** Activation elements per sample (outputs of every layer), for the memory estimate. */
  activations: number;
  blocks: BlockInfo[];
  parameters: ParamInfo[];
  errors: NetError[];
  warnings: NetError[];
  /** The validated document (defaults filled), when it parsed. */
  doc: NetworkDoc | null;
  /** The expanded tree, for compilers (runtime, exporters). */
  tree: XNode | null;
}

const empty = (errors: NetError[]): InferResult => ({
  name: '',
  input: [],
  output: null,
  params: { trainable: 0, nonTrainable: 0 },
  flops: 0,
  activations: 0,
  blocks: [],
  parameters: [],
  errors,
  warnings: [],
  doc: null,
  tree: null,
});

/** Formats a zod issue path like `root.children[2].params.units`. */
const jsonPath = (p: readonly PropertyKey[]) =>
  p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');

/** Parses and validates a document (object or JSON text) without inferring shapes. */
export function parseDocument(input: unknown): { doc: NetworkDoc | null; errors: NetError[] } {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      return { doc: null, errors: [netError('E_JSON', '', (e as Error).message)] };
    }
  }
  // Before the schema: zod (and everything after it) recurses per level and would overflow the stack.
  if (jsonDepthExceeds(raw, MAX_DEPTH))
    return {
      doc: null,
      errors: [netError('E_TOO_DEEP', '', `more than ${MAX_DEPTH} levels of nested objects and arrays`)],
    };
  if (
    raw &&
    typeof raw === 'object' &&
    (raw as { format?: unknown }).format === FORMAT &&
    (raw as { version?: unknown }).version !== VERSION
  ) {
    return {
      doc: null,
      errors: [
        netError(
          'E_VERSION',
          'version',
          `this Netloom reads version ${VERSION}, the file is ${JSON.stringify((raw as { version?: unknown }).version)}`,
        ),
      ],
    };
  }
  const r = NetworkDoc.safeParse(raw);
  if (!r.success)
    return {
      doc: null,
      errors: r.error.issues.slice(0, 20).map((i) => netError('E_SCHEMA', jsonPath(i.path), i.message)),
    };
  return { doc: r.data, errors: [] };
}

/**
 * Infers every block's output shape, the parameter list and counts, and FLOPs.
 * Example: `inferNetwork(lenetDoc).output` → `[10]`.
 */
export function inferNetwork(input: unknown): InferResult {
  const { doc, errors } = parseDocument(input);
  if (!doc) return empty(errors);
  doc.initializers.forEach((r, i) => {
    try {
      new RegExp(r.pattern);
    } catch (e) {
      errors.push(netError('E_BAD_REGEX', `initializers[${i}]`, (e as Error).message));
    }
  });
  const tree = expand(doc, errors);
  // A network past the size limit is not inferred further: its partial tree is no use to anyone.
  if (errors.some((e) => e.code === 'E_TOO_LARGE'))
    return { ...empty(errors), name: doc.name, input: doc.input.shape, doc };
  const inf = new ShapeInference(new Scope(tree));
  const output = inf.node(tree, [doc.input.shape]);
  const st = inf.st;
  const parameters: ParamInfo[] = [];
  let trainable = 0,
    nonTrainable = 0;
  for (const [owner, o] of st.owners) {
    for (const s of o.specs) {
      const name = o.layer.prefix + s.name;
      const isTrainable = s.trainable && !o.layer.constant && o.layer.trainable;
      if (isTrainable) trainable += size(s.shape);
      else nonTrainable += size(s.shape);
      parameters.push({
        name,
        owner,
        param: s.name,
        shape: s.shape,
        trainable: isTrainable,
        init: resolveInit(doc, o.layer, s, name),
        usedBy: o.usedBy,
      });
    }
  }
  return {
    name: doc.name,
    input: doc.input.shape,
    output: output ? [...output] : null,
    params: { trainable, nonTrainable },
    flops: st.flops,
    activations: st.activations,
    blocks: st.blocks,
    parameters,
    errors: [...errors, ...st.errors],
    warnings: st.warnings,
    doc,
    tree,
  };
}

/** Gluon's `collect_params(select)`: parameters whose name matches the regex from its start. */
export function collectParams(result: InferResult, select?: string): ParamInfo[] {
  if (!select) return result.parameters;
  const re = new RegExp(`^(?:${select})`);
  return result.parameters.filter((p) => re.test(p.name));
}

export type { BlockInfo } from './shapes';
export type { XNode } from './expand';
