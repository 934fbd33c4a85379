// The palette, generated from the layer catalogue (and the document's block definitions):
// categories, search, a one-line doc. Drag onto the canvas, or double-click / Enter to add after the selection.
import { useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { CATEGORIES, LAYERS } from '../../../engine/core';
import { useDoc } from '../app/store';
import { addAfterSelection, type Item } from '../canvas/actions';

function Entry({ item, name, doc, cat }: { item: Item; name: string; doc: string; cat: string }) {
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData('application/netloom-item', JSON.stringify(item));
    e.dataTransfer.effectAllowed = 'copy';
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') addAfterSelection(item);
  };
  return (
    <div
      className={`palette-item cat-${cat.toLowerCase()}`}
      draggable
      onDragStart={onDragStart}
      onDoubleClick={() => addAfterSelection(item)}
      onKeyDown={onKey}
      tabIndex={0}
      role="button"
      data-testid={`palette-${name}`}
      title={`${doc}\nDrag onto the canvas, or double-click to add after the selection`}
    >
      <span className="palette-dot" />
      <span className="palette-name">{name}</span>
      <span className="palette-doc">{doc}</span>
    </div>
  );
}

export function Palette() {
  const [q, setQ] = useState('');
  const defs = useDoc((s) => s.doc.definitions);
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const hit = (s: string) => !needle || s.toLowerCase().includes(needle);
    const g = CATEGORIES.map((cat) => ({
      cat,
      items: LAYERS.filter((l) => l.category === cat && (hit(l.type) || hit(l.doc) || hit(l.alias))),
    })).filter((x) => x.items.length);
    const blocks = Object.entries(defs).filter(([name, d]) => hit(name) || hit(d.doc ?? ''));
    return { g, blocks };
  }, [q, defs]);
  return (
    <aside className="palette" data-testid="palette">
      <input
        className="search"
        placeholder="Search layers…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="palette-search"
        aria-label="Search layers"
      />
      <div className="palette-scroll">
        {groups.blocks.length > 0 && (
          <section>
            <h4>Blocks in this network</h4>
            {groups.blocks.map(([name, d]) => (
              <Entry
                key={name}
                item={{ def: name }}
                name={name}
                cat="block"
                doc={d.doc ?? `${d.args.length ? `(${d.args.map((a) => a.name).join(', ')})` : 'reusable block'}`}
              />
            ))}
          </section>
        )}
        {groups.g.map(({ cat, items }) => (
          <section key={cat}>
            <h4>{cat}</h4>
            {items.map((l) => (
              <Entry key={l.type} item={{ layer: l.type }} name={l.type} doc={l.doc} cat={cat} />
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
