// The inspector: a form for the selection, generated from the layer's descriptors, the definition's
// arguments, and inference (Gluon name, parameters with shapes and initializers).
import { layerDef, type Block, type LayerBlock } from '../../../engine/core';
import { docStore, run, useDoc, useInference, useUi } from '../app/store';
import { blockAt, containerOf, jsonPathOf, parentOf } from '../doc/locate';
import { fmtCount, fmtShape } from '../canvas/format';
import { INIT_TYPES, initLabel, ParamField } from './fields';
import { BlockSection, MultiSection, NetworkSection } from './InspectorParts';
import { BindArg } from './DefArgs';

export function Inspector() {
  const selected = useUi((s) => s.selected).filter((p) => !p.startsWith('__'));
  const doc = useDoc((s) => s.doc);
  const body = (() => {
    if (selected.length > 1) return <MultiSection paths={selected} />;
    const path = selected[0];
    const b = path !== undefined ? blockAt(doc, path) : undefined;
    if (!b || path === undefined) return <NetworkSection />;
    if (b.kind === 'layer') return <LayerSection path={path} b={b} />;
    return <BlockSection path={path} b={b} />;
  })();
  return (
    <aside className="inspector" data-testid="inspector">
      {body}
    </aside>
  );
}

export function Header({ path, b }: { path: string; b: Block }) {
  const inf = useInference();
  const info = inf.blocks.find((x) => x.path === path);
  const inDef = jsonPathOf(docStore.getState().doc, path)?.[0] === 'definitions';
  return (
    <>
      <h3>
        {b.kind === 'layer' ? b.type : b.kind === 'instance' ? b.def : (info?.type ?? b.kind)}
        <input
          className="rename"
          key={path}
          defaultValue={b.id}
          aria-label="name"
          data-testid="inspector-rename"
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
          onBlur={(e) => {
            if (e.target.value !== b.id && run('renameBlock', { path, id: e.target.value }))
              useUi.getState().select([parentOf(path) ? `${parentOf(path)}/${e.target.value}` : e.target.value]);
          }}
        />
      </h3>
      {inDef && <p className="note">Inside a block definition: edits change every instance.</p>}
      <dl className="facts">
        <dt>Gluon name</dt>
        <dd data-testid="gluon-name">
          <code>{info?.name ?? '—'}</code>
        </dd>
        <dt>input</dt>
        <dd>{info?.inputShapes.map(fmtShape).join(' , ') || '—'}</dd>
        <dt>output</dt>
        <dd data-testid="inspector-out">{fmtShape(info?.outputShape)}</dd>
        <dt>params</dt>
        <dd>
          {fmtCount(info?.params ?? 0)} · {fmtCount(info?.flops ?? 0)}FLOPs
        </dd>
      </dl>
    </>
  );
}

function LayerSection({ path, b }: { path: string; b: LayerBlock }) {
  const inf = useInference();
  const def = layerDef(b.type);
  const params = inf.parameters.filter((p) => p.usedBy.includes(path) || p.owner === path);
  const doc = docStore.getState().doc;
  const jp = jsonPathOf(doc, path)!;
  const defName = jp[0] === 'definitions' ? String(jp[1]) : undefined;
  const siblings = inf.blocks.filter(
    (x) =>
      x.kind === 'layer' &&
      x.type === b.type &&
      x.path !== path &&
      parentOf(x.path) === parentOf(path) &&
      !x.sharesWith,
  );
  const inGraph = containerOf(doc, parentOf(path))?.block.kind === 'graph';
  return (
    <>
      <Header path={path} b={b} />
      <h4>Settings</h4>
      {def &&
        Object.entries(def.params).map(([k, d]) => (
          <ParamField
            key={`${path}:${k}`}
            name={k}
            d={d}
            value={b.params?.[k]}
            onCommit={(v, mark) => run('setParam', { path, key: k, value: v }, { mark })}
            extra={
              defName ? (
                <BindArg def={defName} layerPath={path} layerJp={[...jp]} k={k} d={d} value={b.params?.[k]} />
              ) : undefined
            }
          />
        ))}
      <h4>Training</h4>
      <label className="switch">
        <input
          type="checkbox"
          data-testid="trainable"
          checked={b.trainable !== false}
          onChange={(e) => run('setTrainable', { path, trainable: e.target.checked })}
        />{' '}
        trainable
      </label>
      <label className="switch">
        <input
          type="checkbox"
          checked={b.constant === true}
          onChange={(e) => run('setConstant', { path, constant: e.target.checked })}
        />{' '}
        constant (never updated)
      </label>
      {inGraph && (
        <button className="btn" onClick={() => run('setOutput', { path })}>
          Set as output
        </button>
      )}
      <h4>Parameter sharing</h4>
      {b.share ? (
        <div className="row">
          uses <code>{b.share}</code>'s parameters{' '}
          <button className="btn" data-testid="unshare" onClick={() => run('unshareParams', { path })}>
            Unshare
          </button>
        </div>
      ) : (
        <select
          data-testid="share-select"
          value=""
          onChange={(e) => e.target.value && run('shareParams', { path, target: e.target.value.split('/').pop()! })}
        >
          <option value="">Share parameters with…</option>
          {siblings.map((s) => (
            <option key={s.path} value={s.path}>
              {s.id} ({fmtShape(s.outputShape)})
            </option>
          ))}
        </select>
      )}
      <h4>Parameters</h4>
      <table className="params-table" data-testid="param-table">
        <tbody>
          {params.map((p) => (
            <tr key={p.name}>
              <td>
                <code>{p.name}</code>
                {p.owner !== path && <div className="muted">owned by {p.owner}</div>}
              </td>
              <td>{fmtShape(p.shape)}</td>
              <td>
                {p.owner === path && p.trainable ? (
                  <select
                    value={
                      b.init?.[p.param]
                        ? INIT_TYPES.find((t) => t.init?.type === b.init![p.param].type)?.label
                        : 'default'
                    }
                    title={initLabel(p.init)}
                    onChange={(e) =>
                      run('setInitializer', {
                        path,
                        param: p.param,
                        init: INIT_TYPES.find((t) => t.label === e.target.value)?.init,
                      })
                    }
                  >
                    {INIT_TYPES.map((t) => (
                      <option key={t.label} value={t.label}>
                        {t.label === 'default' ? `default (${initLabel(p.init)})` : t.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="muted">{p.trainable ? initLabel(p.init) : 'not trained'}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
