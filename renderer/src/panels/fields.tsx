// Inspector fields generated from parameter descriptors; they validate as you type (paramProblem) and
// commit valid values as one history step per field focus (a mark).
import { useEffect, useState } from 'react';
import { paramProblem, type Init, type Literal, type ParamDescriptor, type Value } from '../../../engine/core';

let focusSeq = 0;

const show = (v: Value | undefined): string =>
  v === undefined || v === null
    ? ''
    : Array.isArray(v)
      ? v.join(', ')
      : typeof v === 'object'
        ? `$${v.$arg}`
        : String(v);

export function parseValue(
  d: ParamDescriptor | { kind: 'int' | 'float' | 'string' | 'ints' | 'bool' },
  text: string,
): Literal {
  const t = text.trim();
  if (t === '') return null;
  if (d.kind === 'size2' || d.kind === 'ints') {
    const parts = t
      .replace(/[[\]()]/g, '')
      .split(/[\s,×x]+/)
      .filter(Boolean)
      .map(Number);
    return d.kind === 'size2' && parts.length === 1 ? parts[0] : parts;
  }
  if (d.kind === 'int' || d.kind === 'float') return Number.isNaN(Number(t)) ? (t as unknown as Literal) : Number(t);
  return t;
}

export function ParamField({
  name,
  d,
  value,
  onCommit,
  extra,
}: {
  name: string;
  d: ParamDescriptor;
  value: Value | undefined;
  onCommit(v: Value | undefined, mark: string): void;
  extra?: React.ReactNode;
}) {
  const isRef = value !== null && typeof value === 'object' && !Array.isArray(value);
  const [text, setText] = useState(show(value));
  const [mark, setMark] = useState('');
  useEffect(() => setText(show(value)), [value]);
  const problem = (() => {
    if (isRef || d.kind === 'bool' || d.kind === 'enum') return null;
    const v = parseValue(d, text);
    if (text.trim() === '') return null;
    return paramProblem(d, v);
  })();
  const commit = (v: Value | undefined) => onCommit(v, mark || `f${++focusSeq}`);
  const id = `param-${name}`;
  let input: React.ReactNode;
  if (isRef) input = <input id={id} value={show(value)} disabled title="set by the block's argument" />;
  else if (d.kind === 'bool')
    input = (
      <input id={id} type="checkbox" checked={Boolean(value ?? d.default)} onChange={(e) => commit(e.target.checked)} />
    );
  else if (d.kind === 'enum')
    input = (
      <select id={id} value={String(value ?? d.default)} onChange={(e) => commit(e.target.value)}>
        {d.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  else
    input = (
      <input
        id={id}
        data-testid={id}
        className={problem ? 'invalid' : ''}
        value={text}
        placeholder={show(d.default as Value) || 'auto'}
        onFocus={() => setMark(`f${++focusSeq}`)}
        onChange={(e) => {
          setText(e.target.value);
          const v = parseValue(d, e.target.value);
          if (e.target.value.trim() === '') commit(undefined);
          else if (!paramProblem(d, v)) commit(v);
        }}
      />
    );
  return (
    <div className="field">
      <label htmlFor={id} title={d.doc}>
        {name}
      </label>
      <div className="field-input">
        {input}
        {extra}
      </div>
      {problem && (
        <div className="field-error" data-testid={`${id}-error`}>
          {problem.code}: {problem.detail}
        </div>
      )}
    </div>
  );
}

export const INIT_TYPES: { label: string; init: Init | undefined }[] = [
  { label: 'default', init: undefined },
  { label: 'xavier', init: { type: 'xavier', magnitude: 3, distribution: 'uniform' } },
  { label: 'he', init: { type: 'he', distribution: 'normal' } },
  { label: 'normal', init: { type: 'normal', mean: 0, std: 0.01 } },
  { label: 'uniform', init: { type: 'uniform', low: -0.07, high: 0.07 } },
  { label: 'zeros', init: { type: 'zeros' } },
  { label: 'ones', init: { type: 'ones' } },
  { label: 'constant', init: { type: 'constant', value: 0 } },
  { label: 'my-init', init: { type: 'my-init' } },
];

export const initLabel = (i: Init) => {
  switch (i.type) {
    case 'constant':
      return `constant(${i.value})`;
    case 'uniform':
      return `uniform[${i.low}, ${i.high}]`;
    case 'normal':
      return `normal(${i.mean}, ${i.std})`;
    default:
      return i.type;
  }
};
