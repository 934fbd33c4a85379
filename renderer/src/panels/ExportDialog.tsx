// The Export dialog (toolbar, the menu's "Export…", Ctrl+E): a format, the check of what that format cannot
// express in this network (before anything is written), progress, and where the files went. The engine writes
// the model formats (`export/run`, from the project the engine packs: the last run's weights or the opened
// project's); the diagram is drawn here from the canvas's own scene. Files go through the Host: the browser
// shell downloads them, Electron writes them into a folder the user picks.
import { useEffect, useState } from 'react';
import type { ExportedFile } from '../../../engine/protocol/host';
import {
  THEMES,
  buildScene,
  sceneToSvg,
  themeFromVars,
  type DiagramTheme,
  type NetworkDoc,
} from '../../../engine/core';
import { host } from '../app/files';
import { projectBytes, trainedLabel, useProject } from '../app/project';
import { docStore, inferOf, useDoc, useUi } from '../app/store';
import { engineClient } from './training/controller';
import './export.css';

type EngineFormat = 'project' | 'onnx' | 'pytorch' | 'tfjs';
export type ExportFormatId = EngineFormat | 'svg' | 'png';

const FORMATS: { id: ExportFormatId; name: string; what: string }[] = [
  { id: 'project', name: 'Netloom project', what: '.netloom — network, trained weights, optimizer state, run history' },
  { id: 'onnx', name: 'ONNX', what: '.onnx (opset 13) — input "input" NCHW float32, output the logits' },
  { id: 'pytorch', name: 'PyTorch', what: 'model.py (the Block hierarchy), weights, train.py (torchrun)' },
  { id: 'tfjs', name: 'TF.js', what: 'model.json + weight shards for tf.loadLayersModel' },
  { id: 'svg', name: 'Diagram (SVG)', what: 'the network as on the canvas, for papers' },
  { id: 'png', name: 'Diagram (PNG)', what: 'the same picture at 2× for slides' },
];

type Check =
  { state: 'checking' } | { state: 'ok' } | { state: 'problems'; lines: string[] } | { state: 'error'; line: string };
type Progress =
  | { state: 'idle' }
  | { state: 'working'; step: string }
  | { state: 'done'; where: string; names: string[]; warnings: string[] }
  | { state: 'error'; line: string };

const stemOf = (doc: NetworkDoc) => doc.name.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || 'network';
const lineOf = (e: unknown) => {
  const c = (e as { code?: string }).code;
  return `${c ? `${c}: ` : ''}${(e as Error).message}`;
};

/** The diagram's colours: the editor's own theme (its CSS variables), so the picture looks like the canvas. */
function themeColors(): DiagramTheme {
  const css = getComputedStyle(document.querySelector('.app') ?? document.documentElement);
  return themeFromVars((name) => css.getPropertyValue(name), THEMES[useUi.getState().theme]);
}

export function diagramSvg(doc: NetworkDoc): string {
  return sceneToSvg(buildScene(doc, inferOf(doc)), themeColors(), doc.name);
}

/** Draws the SVG onto a canvas at 2× and encodes it as PNG. */
async function svgToPng(svg: string): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth * 2;
    canvas.height = img.naturalHeight * 2;
    const g = canvas.getContext('2d')!;
    g.scale(2, 2);
    g.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (!blob) throw new Error('the browser could not encode the PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The files of one export (the engine's for model formats, the diagram drawn here). */
async function filesFor(format: ExportFormatId, doc: NetworkDoc, step: (s: string) => void) {
  const stem = stemOf(doc);
  if (format === 'svg') return { files: [{ name: `${stem}.svg`, data: diagramSvg(doc) }], warnings: [] };
  if (format === 'png')
    return { files: [{ name: `${stem}.png`, data: await svgToPng(diagramSvg(doc)) }], warnings: [] };
  step('packing the weights');
  const project = await projectBytes(doc);
  const dropped = project.dropped.length
    ? [`without the weights that no longer fit: ${project.dropped.join('; ')}`]
    : [];
  if (format === 'project') return { files: [{ name: `${stem}.netloom`, data: project.bytes }], warnings: dropped };
  const client = engineClient();
  if (!client) throw new Error('the engine is offline');
  step(`writing ${format}`);
  // The project's bytes carry the weights (the run's or the opened project's) to the engine's exporter.
  const r = await client.call('export/run', { doc: project.bytes, format });
  const files: ExportedFile[] = r.files.map((f) => ({
    // A single-file format is named after the network; folder formats keep their names (model.json refers to them).
    name:
      r.files.length === 1 && /\.(onnx|netloom)$/.test(f.name)
        ? `${stem}${f.name.slice(f.name.lastIndexOf('.'))}`
        : f.name,
    data: f.bytes ?? new Uint8Array(),
  }));
  return { files, warnings: [...dropped, ...r.warnings] };
}

function useCheck(format: ExportFormatId, doc: NetworkDoc, engine: string): Check {
  const [check, setCheck] = useState<Check>({ state: 'checking' });
  useEffect(() => {
    let live = true;
    const errors = inferOf(doc).errors;
    if (errors.length) {
      setCheck({
        state: 'error',
        line: `the network has ${errors.length} problem${errors.length > 1 ? 's' : ''}: ${errors[0].code} at ${errors[0].path || '(root)'}`,
      });
      return;
    }
    // Every format asks the engine (one path: the diagram formats' answer comes from the same format table as
    // `netloom export`'s); only an offline engine leaves the diagram to this page, which draws it itself.
    const client = engineClient();
    if (!client)
      return setCheck(
        format === 'svg' || format === 'png'
          ? { state: 'ok' }
          : { state: 'error', line: 'the engine is offline: it writes this format' },
      );
    setCheck({ state: 'checking' });
    client.call('export/check', { doc, format }).then(
      ({ problems }) =>
        live &&
        setCheck(
          problems.length
            ? { state: 'problems', lines: problems.map((p) => `${p.kind} at ${p.path || '(root)'}: ${p.reason}`) }
            : { state: 'ok' },
        ),
      (e) => live && setCheck({ state: 'error', line: lineOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [format, doc, engine]);
  return check;
}

export function ExportDialog() {
  const doc = useDoc((s) => s.doc);
  const engine = useUi((s) => s.engineBackend ?? '');
  const trained = useProject((s) => s.trained);
  const [format, setFormat] = useState<ExportFormatId>('onnx');
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const check = useCheck(format, doc, engine);
  const close = () => useUi.getState().set({ dialog: null });
  const name = FORMATS.find((f) => f.id === format)!.name;

  const run = async () => {
    setProgress({ state: 'working', step: 'starting' });
    try {
      const d = docStore.getState().doc;
      const { files, warnings } = await filesFor(format, d, (step) => setProgress({ state: 'working', step }));
      setProgress({ state: 'working', step: 'saving the files' });
      const saved = await host.saveFiles(files, stemOf(d));
      if (!saved) return setProgress({ state: 'idle' });
      setProgress({ state: 'done', where: saved.where, names: saved.names, warnings });
    } catch (e) {
      setProgress({ state: 'error', line: lineOf(e) });
    }
  };

  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        className="dialog export-dialog"
        role="dialog"
        aria-label="Export"
        data-testid="export-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Export “{doc.name}”</h2>
          <span className="export-weights" data-testid="export-weights">
            {trainedLabel(trained) ?? 'weights: as the next run would start (untrained)'}
          </span>
          <button className="btn close" onClick={close} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="export-formats" role="radiogroup" aria-label="Format">
          {FORMATS.map((f) => (
            <button
              key={f.id}
              role="radio"
              aria-checked={format === f.id}
              className={`export-format${format === f.id ? ' selected' : ''}`}
              data-testid={`export-format-${f.id}`}
              onClick={() => {
                setFormat(f.id);
                setProgress({ state: 'idle' });
              }}
            >
              <b>{f.name}</b>
              <span>{f.what}</span>
            </button>
          ))}
        </div>
        <div className={`export-check export-check-${check.state}`} data-testid="export-check" data-state={check.state}>
          {check.state === 'checking' && `Checking what ${name} can express…`}
          {check.state === 'ok' && `✓ ${name} can express every block of this network`}
          {check.state === 'error' && check.line}
          {check.state === 'problems' && (
            <>
              {name} cannot express {check.lines.length} block{check.lines.length > 1 ? 's' : ''}:
              <ul>
                {check.lines.map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div className="export-result" data-testid="export-result" data-state={progress.state}>
          {progress.state === 'working' && <span className="export-progress">Exporting: {progress.step}…</span>}
          {progress.state === 'error' && <span className="status-bad">{progress.line}</span>}
          {progress.state === 'done' && (
            <>
              <div>
                {progress.names.length} file{progress.names.length > 1 ? 's' : ''} →{' '}
                <b data-testid="export-where">{progress.where}</b>
              </div>
              <ul className="export-files">
                {progress.names.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
              {progress.warnings.map((w) => (
                <div key={w} className="export-warning">
                  {w}
                </div>
              ))}
            </>
          )}
        </div>
        <div className="row">
          <span className="spacer" />
          <button className="btn" onClick={close}>
            Close
          </button>
          <button
            className="btn btn-primary"
            data-testid="export-run"
            disabled={check.state !== 'ok' || progress.state === 'working'}
            onClick={() => void run()}
          >
            {progress.state === 'working' ? 'Exporting…' : `Export ${name}`}
          </button>
        </div>
      </div>
    </div>
  );
}
