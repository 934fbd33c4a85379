// Inspector sections for blocks (Sequential, graph, instance), multi-selections ("Make block") and
// the network itself (name, input shape, definitions).
import { useState } from 'react';
import type { Block } from '../../../engine/core';
import { docStore, run, useDoc, useInference, useUi } from '../app/store';
import { parentOf, idOf } from '../doc/locate';
import { fmtCount, fmtShape } from '../canvas/format';
import { parseValue } from './fields';
import { DefinitionArgs, InstanceArgs } from './DefArgs';
import { blockAt } from '../doc/locate';
import { Header } from './Inspector';
import { viewOf } from '../doc/commands';

export function BlockSection({ path, b }: { path: string; b: Block }) {
  const doc = useDoc((s) => s.doc);
  const collapsed = Boolean(viewOf(doc).collapsed?.[path]);
  const def = b.kind === 'instance' ? doc.definitions[b.def] : undefined;
  return (
    <>
      <Header path={path} b={b} />
      <div className="row">
        <button className="btn" onClick={() => run('setCollapsed', { paths: [path], collapsed: !collapsed })}>
          {collapsed ? 'Expand' : 'Collapse'}
        </button>
        <button className="btn" onClick={() => useUi.getState().setOpen(path)}>
          Open
        </button>
        {b.kind === 'instance' && (
          <button className="btn" data-testid="detach" onClick={() => run('detach', { path })}>
            Detach
          </button>
        )}
      </div>
      {b.kind === 'instance' && def && <InstanceArgs path={path} b={b} />}
      {b.kind === 'instance' && def && <DefinitionArgs def={b.def} />}
    </>
  );
}

export function MultiSection({ paths }: { paths: string[] }) {
  const [name, setName] = useState(() => {
    const defs = docStore.getState().doc.definitions;
    let i = 1;
    while (defs[`Block${i}`]) i++;
    return `Block${i}`;
  });
  const parent = parentOf(paths[0]);
  // The new instance is selected, so its definition's arguments are right there to add.
  const make = () => {
    if (!run('makeBlock', { container: parent, ids: paths.map(idOf), name })) return;
    const inst = findInstance(parent, name);
    useUi.getState().select(inst ? [inst] : []);
  };
  return (
    <>
      <h3>{paths.length} blocks selected</h3>
      <p className="muted">{paths.map(idOf).join(', ')}</p>
      <h4>Make a reusable block</h4>
      <div className="row">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="make-block-name"
          aria-label="block name"
        />
        <button className="btn btn-primary" data-testid="make-block" onClick={make}>
          Make block
        </button>
      </div>
      <p className="muted">The selection becomes a definition; drag it from the palette to use it again.</p>
      <div className="row">
        <button className="btn" onClick={() => run('removeBlocks', { paths })}>
          Delete
        </button>
      </div>
    </>
  );
}

/** The path of the instance of `def` just made in `container`. */
function findInstance(container: string, def: string): string | undefined {
  const doc = docStore.getState().doc;
  const c = container ? blockAt(doc, container) : doc.root;
  const body = c?.kind === 'instance' ? doc.definitions[c.def]?.body : c;
  const list = !body ? [] : body.kind === 'sequential' ? body.children : body.kind === 'graph' ? body.nodes : [];
  const b = list.find((x) => x.kind === 'instance' && x.def === def);
  return b ? (container ? `${container}/${b.id}` : b.id) : undefined;
}

export function NetworkSection() {
  const doc = useDoc((s) => s.doc);
  const inf = useInference();
  const open = useUi((s) => s.open);
  const openBlock = open ? blockAt(doc, open) : undefined;
  if (openBlock?.kind === 'instance') {
    // Inside a definition with nothing selected: the definition itself is what is being edited.
    return (
      <>
        <h3>
          {openBlock.def} <span className="muted">definition</span>
        </h3>
        <p className="note">Edits here change every {openBlock.def} instance.</p>
        <DefinitionArgs def={openBlock.def} />
      </>
    );
  }
  return (
    <>
      <h3>{doc.name}</h3>
      {doc.description && <p className="muted">{doc.description}</p>}
      <div className="field">
        <label>input shape</label>
        <input
          key={doc.input.shape.join()}
          defaultValue={doc.input.shape.join('×')}
          data-testid="input-shape"
          onBlur={(e) =>
            run('setInputShape', { shape: (parseValue({ kind: 'ints' }, e.target.value) as number[]) ?? [] })
          }
        />
      </div>
      <dl className="facts">
        <dt>output</dt>
        <dd>{fmtShape(inf.output)}</dd>
        <dt>trainable</dt>
        <dd>{inf.params.trainable.toLocaleString()}</dd>
        <dt>frozen</dt>
        <dd>{inf.params.nonTrainable.toLocaleString()}</dd>
        <dt>FLOPs</dt>
        <dd>{fmtCount(inf.flops)}</dd>
        <dt>layers</dt>
        <dd>{inf.blocks.filter((b) => b.kind === 'layer').length}</dd>
      </dl>
      {Object.keys(doc.definitions).length > 0 && (
        <>
          <h4>Block definitions</h4>
          <ul className="defs">
            {Object.entries(doc.definitions).map(([n, d]) => (
              <li key={n}>
                <b>{n}</b>({d.args.map((a) => a.name).join(', ')}){' '}
                <span className="muted">
                  {inf.blocks.filter((x) => x.kind !== 'layer' && x.type === n).length} uses
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted hint">
        Select a block to edit it. Shift-click or drag a box to select several, then "Make block".
      </p>
    </>
  );
}
