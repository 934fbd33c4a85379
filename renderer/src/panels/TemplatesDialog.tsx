// The templates gallery: every bundled network with a generated thumbnail (its layer sequence as
// colored bars), description and size. Opening one replaces the document (undoable) and fits the view.
import { useMemo } from 'react';
import { inferNetwork, layerDef, type Category, type InferResult } from '../../../engine/core';
import { loadTemplate, TEMPLATE_IDS } from '../../../templates';
import { fmtCount, fmtShape } from '../canvas/format';
import { openTemplate } from '../app/files';
import { useUi } from '../app/store';

/** A category's colour: the stylesheet's `--cat-<name>`, as the palette and the canvas nodes use it. */
const categoryColor = (cat: Category) => `var(--cat-${cat.toLowerCase()})`;

function Thumb({ inf }: { inf: InferResult }) {
  const layers = inf.blocks.filter((b) => b.kind === 'layer');
  const n = Math.max(layers.length, 1);
  const w = 220,
    h = 56,
    bw = Math.max(1.5, (w - 8) / n);
  const maxP = Math.max(1, ...layers.map((l) => l.params));
  return (
    <svg viewBox={`0 0 ${w} ${h}`} className="thumb" aria-hidden>
      {layers.map((l, i) => {
        const cat = layerDef(l.type)?.category ?? 'Core';
        const bh = 10 + 38 * Math.sqrt(l.params / maxP);
        return (
          <rect
            key={i}
            x={4 + i * bw}
            y={(h - bh) / 2}
            width={Math.max(1, bw - (bw > 4 ? 1.5 : 0.4))}
            height={bh}
            rx={bw > 4 ? 2 : 0}
            fill={categoryColor(cat)}
          />
        );
      })}
    </svg>
  );
}

export function TemplatesDialog() {
  const items = useMemo(
    () =>
      TEMPLATE_IDS.map((id) => {
        const raw = loadTemplate(id) as { name: string; description?: string };
        return { id, name: raw.name, description: raw.description ?? '', inf: inferNetwork(raw) };
      }),
    [],
  );
  const close = () => useUi.getState().set({ dialog: null });
  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        className="dialog templates"
        role="dialog"
        aria-label="Templates"
        data-testid="templates-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Templates</h2>
          <span className="muted">Classic networks from the Gluon notes, ready to train on Fashion-MNIST</span>
          <button className="btn close" onClick={close}>
            ✕
          </button>
        </header>
        <div className="template-grid">
          {items.map((t) => {
            const params = t.inf.params.trainable + t.inf.params.nonTrainable;
            const layers = t.inf.blocks.filter((b) => b.kind === 'layer').length;
            return (
              <button
                key={t.id}
                className="template-card"
                data-testid={`template-${t.id}`}
                onClick={() => {
                  close();
                  openTemplate(t.id);
                }}
              >
                <Thumb inf={t.inf} />
                <div className="template-name">{t.name}</div>
                <div className="template-meta">
                  {fmtCount(params)} params · {layers} layers · in {fmtShape(t.inf.input)}
                </div>
                <div className="template-desc">{t.description}</div>
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function FileErrorDialog() {
  const errors = useUi((s) => s.fileErrors);
  const close = () => useUi.getState().set({ dialog: null, fileErrors: [] });
  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        className="dialog file-error"
        role="alertdialog"
        data-testid="file-error"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>This file could not be opened</h2>
          <button className="btn close" onClick={close}>
            ✕
          </button>
        </header>
        <p>Your current network is unchanged. The file has these problems:</p>
        <ul>
          {errors.map((e, i) => (
            <li key={i}>
              <code>{e.code}</code> <b>{e.path || '(document)'}</b> — {e.message}
            </li>
          ))}
        </ul>
        <div className="row">
          <button className="btn btn-primary" onClick={close}>
            OK
          </button>
        </div>
      </div>
    </div>
  );
}
