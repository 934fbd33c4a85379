// Block definition arguments in the inspector: the definition's typed arguments (add / rename / retype /
// default / remove), an instance's values for them, and binding a layer setting to one. Values are
// checked as you type (argTypeProblem); what inference reports (E_ARG_TYPE, E_MISSING_ARG…) shows inline.
import { useEffect, useState } from 'react';
import type { Block, Literal, ParamDescriptor, Value } from '../../../engine/core';
import { run, useDoc, useInference } from '../app/store';
import { argTypeProblem, type ArgDecl } from '../doc/commands';
import { parseValue } from './fields';

const TYPES: ArgDecl['type'][] = ['int', 'float', 'bool', 'string', 'ints'];
const show = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** Text → a literal of the argument's type (bools from true/false). */
function parseArg(type: ArgDecl['type'], text: string): Literal | undefined {
  if (text.trim() === '') return undefined;
  if (type === 'bool') return text.trim() === 'true' ? true : text.trim() === 'false' ? false : text.trim();
  return parseValue({ kind: type }, text);
}

/** A text field for a typed value: red with the reason while it does not fit, committed when it does. */
function ArgValue({
  type,
  value,
  placeholder,
  testid,
  onCommit,
}: {
  type: ArgDecl['type'];
  value: unknown;
  placeholder?: string;
  testid: string;
  onCommit(v: Literal | undefined): void;
}) {
  const [text, setText] = useState(show(value));
  useEffect(() => setText(show(value)), [value]);
  const problem = argTypeProblem(type, parseArg(type, text));
  if (type === 'bool')
    return (
      <input
        type="checkbox"
        data-testid={testid}
        checked={Boolean(value)}
        onChange={(e) => onCommit(e.target.checked)}
      />
    );
  return (
    <span className="arg-value">
      <input
        data-testid={testid}
        className={problem ? 'invalid' : ''}
        value={text}
        placeholder={placeholder}
        onChange={(e) => {
          setText(e.target.value);
          if (!argTypeProblem(type, parseArg(type, e.target.value))) onCommit(parseArg(type, e.target.value));
        }}
      />
      {problem && (
        <div className="field-error" data-testid={`${testid}-error`}>
          {problem}
        </div>
      )}
    </span>
  );
}

/** The definition's argument list, editable: every instance follows. */
export function DefinitionArgs({ def }: { def: string }) {
  const d = useDoc((s) => s.doc.definitions[def]);
  const [name, setName] = useState('');
  const [type, setType] = useState<ArgDecl['type']>('int');
  if (!d) return null;
  const edit = (a: ArgDecl, next: Partial<ArgDecl>) =>
    run('editDefArg', { def, name: a.name, next: { ...a, ...next } });
  return (
    <div className="def-args" data-testid={`def-args-${def}`}>
      <h4>{def} definition arguments</h4>
      {d.args.map((a) => (
        <div className="arg-row" key={a.name} data-testid={`def-arg-${a.name}`}>
          <input
            key={a.name}
            defaultValue={a.name}
            title={a.name}
            aria-label="argument name"
            data-testid={`def-arg-name-${a.name}`}
            onKeyDown={(e) => {
              if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
            }}
            onBlur={(e) => {
              if (e.target.value !== a.name && !edit(a, { name: e.target.value })) e.target.value = a.name;
            }}
          />
          <select
            value={a.type}
            aria-label="type"
            data-testid={`def-arg-type-${a.name}`}
            onChange={(e) => edit(a, { type: e.target.value as ArgDecl['type'], default: undefined })}
          >
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <ArgValue
            type={a.type}
            value={a.default}
            placeholder="required"
            testid={`def-arg-default-${a.name}`}
            onCommit={(v) => edit(a, { default: v })}
          />
          <button
            className="mini"
            title={`Remove ${a.name}`}
            data-testid={`def-arg-remove-${a.name}`}
            onClick={() => run('removeDefArg', { def, name: a.name })}
          >
            ✕
          </button>
        </div>
      ))}
      <div className="arg-row">
        <input
          value={name}
          placeholder="new argument"
          aria-label="new argument name"
          data-testid="def-arg-new-name"
          onChange={(e) => setName(e.target.value)}
        />
        <select
          value={type}
          aria-label="new argument type"
          data-testid="def-arg-new-type"
          onChange={(e) => setType(e.target.value as ArgDecl['type'])}
        >
          {TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button
          className="btn"
          data-testid="def-arg-add"
          onClick={() => {
            if (run('addDefArg', { def, arg: { name, type } })) setName('');
          }}
        >
          Add
        </button>
      </div>
    </div>
  );
}

/** An instance's values for its definition's arguments, with inference's argument errors inline. */
export function InstanceArgs({ path, b }: { path: string; b: Extract<Block, { kind: 'instance' }> }) {
  const def = useDoc((s) => s.doc.definitions[b.def]);
  const errors = useInference().errors.filter(
    (e) => e.path === path && /^E_(ARG|MISSING_ARG|UNKNOWN_ARG)/.test(e.code),
  );
  if (!def) return null;
  return (
    <>
      <h4>{b.def} arguments</h4>
      {def.doc && <p className="muted">{def.doc}</p>}
      {def.args.length === 0 && (
        <p className="muted">No arguments yet: add one below, or use "bind" on a layer setting inside the block.</p>
      )}
      {def.args.map((a) => (
        <div className="field" key={`${path}:${a.name}`}>
          <label>
            {a.name} <span className="muted">{a.type}</span>
          </label>
          <ArgValue
            type={a.type}
            value={b.args?.[a.name] ?? (a.type === 'bool' ? a.default : undefined)}
            testid={`arg-${a.name}`}
            placeholder={a.default === undefined ? 'required' : show(a.default)}
            onCommit={(v) => run('setArg', { path, arg: a.name, value: v as Value | undefined })}
          />
        </div>
      ))}
      {errors.map((e, i) => (
        <div key={i} className="field-error" data-testid="instance-arg-error">
          {e.code}: {e.message}
        </div>
      ))}
    </>
  );
}

const fits = (d: ParamDescriptor, t: ArgDecl['type']) =>
  (d.kind as string) === t ||
  (d.kind === 'float' && t === 'int') ||
  (d.kind === 'size2' && (t === 'int' || t === 'ints')) ||
  (d.kind === 'enum' && t === 'string');

/** Binds a layer setting inside a definition to one of its arguments (or a new one), or back to a value. */
export function BindArg({
  def,
  layerPath,
  layerJp,
  k,
  d,
  value,
}: {
  def: string;
  layerPath: string;
  layerJp: (string | number)[];
  k: string;
  d: ParamDescriptor;
  value: Value | undefined;
}) {
  const args = useDoc((s) => s.doc.definitions[def]?.args ?? []);
  const bound = value !== null && typeof value === 'object' && !Array.isArray(value) ? value.$arg : '';
  const newType = (['int', 'float', 'bool', 'string', 'ints'] as const).find((t) => fits(d, t));
  const choose = (v: string) => {
    if (v === '') {
      const a = args.find((x) => x.name === bound);
      run('setParam', { path: layerPath, key: k, value: (a?.default ?? undefined) as Value | undefined });
    } else if (v === '+') {
      let n = k,
        i = 2;
      while (args.some((a) => a.name === n)) n = `${k}${i++}`;
      run('promoteArg', {
        def,
        layerJsonPath: layerJp,
        key: k,
        arg: n,
        type: newType!,
        value: (value ?? d.default ?? null) as Value,
      });
    } else run('setParam', { path: layerPath, key: k, value: { $arg: v } });
  };
  return (
    <select
      className="bind"
      value={bound}
      title={`Bind ${k} to an argument of ${def}`}
      data-testid={`bind-${k}`}
      onChange={(e) => choose(e.target.value)}
    >
      <option value="">{bound ? 'value' : 'bind…'}</option>
      {args
        .filter((a) => fits(d, a.type))
        .map((a) => (
          <option key={a.name} value={a.name}>
            ${a.name}
          </option>
        ))}
      {!bound && newType && <option value="+">+ new argument “{k}”</option>}
    </select>
  );
}
