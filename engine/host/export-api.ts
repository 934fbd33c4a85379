// `export/run`: the engine writes an export through the same code as `netloom export` (engine/export's format
// table): from the current run (its trained weights, optimizer state and position), or from a document (its
// weights when it carries them, else freshly initialised, and the warnings say so), or the diagram (svg, png: no
// weights needed, `theme` light or dark). With `dir` the files are written there on the engine's machine
// (atomically); without it they come back as bytes.
import path from 'node:path';
import {
  FORMATS,
  checkExportable,
  isFormat,
  loadSource,
  runExport,
  usesWeights,
  ExportError,
  ProjectError,
  type ExportSource,
} from '../export';
import { isWriteError } from '../io';
import { RpcError, type HandlerParams } from '../protocol';
import type { Session, Trainer } from '../train';
import type { EngineApi } from './engine-host';

interface RunLike {
  session: Session;
  trainer: Trainer;
  runs?: () => unknown[];
}

async function fromRun(r: RunLike): Promise<ExportSource> {
  const c = await r.trainer.checkpoint();
  const { weights: _legacy, ...doc } = r.session.doc;
  return {
    net: r.session.net,
    doc,
    weights: c.weights,
    trained: true,
    optimizer: {
      slots: c.optimizer.slots,
      position: { ...c.position, optimizerStep: c.optimizer.step, lr: c.lr, rngState: c.rngState },
    },
    runs: r.runs?.(),
  };
}

/** A file name from the network's name: `LeNet-5` → `LeNet-5`, anything unsafe → `_`. */
const fileBase = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '') || 'network';

/** The `export/run` handler; `current(runId)` is the engine's run lookup (throws E_NO_RUN). */
export function exportApi(current: (runId?: string) => RunLike): Pick<Required<EngineApi>, 'export/run'> {
  return {
    'export/run': async ({ runId, doc, format, dir, theme }: HandlerParams<'export/run'>) => {
      if (!isFormat(format))
        throw new RpcError(
          'E_EXPORT_INPUT',
          `this engine does not export ${format} yet (it exports ${Object.keys(FORMATS).join(', ')})`,
        );
      try {
        const src =
          runId || doc === undefined
            ? await fromRun(current(runId))
            : await loadSource(doc, (net) => checkExportable(format, net), usesWeights(format));
        const f = FORMATS[format];
        const out =
          dir === undefined
            ? undefined
            : f.target === 'folder'
              ? dir
              : path.join(dir, fileBase(src.doc.name) + (f.extension ?? ''));
        const { files, warnings } = runExport(format, src, out, { theme });
        return {
          files: files.map((x) =>
            x.path ? { name: x.name, path: x.path } : { name: x.name, bytes: x.bytes as Uint8Array<ArrayBuffer> },
          ),
          warnings,
        };
      } catch (e) {
        if (e instanceof ExportError || e instanceof ProjectError || isWriteError(e))
          throw new RpcError((e as { code: string }).code, (e as Error).message);
        throw e;
      }
    },
  };
}
