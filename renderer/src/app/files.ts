// Files and the shell, through the Host interface only: new / open / save / save-as, the recovery copy
// (one per window: recovery.ts), the unsaved-changes state, menu commands, and the engine's info for the
// status bar.
import { HOST_GLOBAL, type Host } from '../../../engine/protocol';
import { createBrowserHost } from '../../../engine/protocol/browser-host';
import { glanceView as coreGlanceView, parseDocument, type NetworkDoc } from '../../../engine/core';
import { loadTemplate } from '../../../templates';
import { isDirty, toDoc } from '../doc/history';
import { docStore, inferOf, useUi } from './store';
import { adoptProject, forgetTrained, hasWeights, openProjectBytes, projectBytes } from './project';
import { claimWindow, writeOwnCopy } from './recovery';

export const host: Host =
  (globalThis as unknown as Record<string, Host | undefined>)[HOST_GLOBAL] ?? createBrowserHost();

export function emptyDoc(): NetworkDoc {
  return toDoc({
    format: 'netloom/network',
    version: 1,
    name: 'Untitled',
    input: { shape: [1, 28, 28] },
    root: { kind: 'graph', id: 'net', nodes: [], edges: [], output: 'input' },
  });
}

/** Swaps in a document as one undoable step and fits the view. */
export function loadDoc(doc: NetworkDoc, file: { name: string | null; path: string | null }) {
  forgetTrained();
  docStore.getState().run('replaceDocument', { doc });
  const ui = useUi.getState();
  ui.set({ fileName: file.name, filePath: file.path, selected: [], open: '', fitSeq: ui.fitSeq + 1 });
}

export function newDocument() {
  loadDoc(emptyDoc(), { name: null, path: null });
  docStore.getState().markClean();
}

/** The unsaved-changes guard: runs `then` now when the document is saved, else asks first. */
export function guard(what: string, then: () => void) {
  if (!isDirty(docStore.getState())) return then();
  useUi.getState().set({ dialog: 'confirmDiscard', pending: { what, then } });
}

/** Big networks open with every instance but the first of each definition collapsed (engine/core's glanceView). */
export const glanceView = (doc: NetworkDoc): NetworkDoc => coreGlanceView(doc, inferOf(doc));

export function openTemplate(id: string, expanded = false) {
  guard(`open the ${id} template`, () => openTemplateNow(id, expanded));
}

/** Opens a template without asking (the guard's continuation; the e2e hook). An untouched template has
 * nothing to lose, so it starts clean like New. */
export function openTemplateNow(id: string, expanded = false) {
  const doc = toDoc(loadTemplate(id));
  loadDoc(expanded ? doc : glanceView(doc), { name: null, path: null });
  docStore.getState().markClean();
}

/** Opens file text; a malformed file shows its errors and leaves the current document alone. */
export function openText(text: string, file: { name: string; path: string }): boolean {
  const { doc, errors } = parseDocument(text);
  if (!doc) {
    useUi.getState().set({ dialog: 'fileError', fileErrors: errors, fileName: useUi.getState().fileName });
    return false;
  }
  loadDoc(doc, file);
  docStore.getState().markClean();
  return true;
}

/** Opens a `.netloom` zip through the engine (it reads the weights); a bad file is one line in a toast. */
export async function openBytes(bytes: Uint8Array, file: { name: string; path: string }): Promise<boolean> {
  try {
    const { doc, trained } = await openProjectBytes(bytes);
    const { doc: parsed, errors } = parseDocument(doc);
    if (!parsed) {
      useUi.getState().set({ dialog: 'fileError', fileErrors: errors, fileName: useUi.getState().fileName });
      return false;
    }
    loadDoc(parsed, file);
    docStore.getState().markClean();
    adoptProject(bytes, parsed, trained);
    return true;
  } catch (e) {
    useUi.getState().toast(`could not open ${file.name}: ${(e as Error).message}`);
    return false;
  }
}

export function openFile() {
  guard('open another file', () => void openFileNow());
}

async function openFileNow() {
  try {
    const f = await host.openFile();
    if (f) await (f.bytes ? openBytes(f.bytes, f) : openText(f.text, f));
  } catch (e) {
    useUi.getState().toast(`could not open: ${(e as Error).message}`);
  }
}

/** What Save writes: the `.netloom` zip when the network has trained weights, else the JSON document. */
async function saveData(doc: NetworkDoc, fileName: string | null) {
  const stem = doc.name.replace(/[^\w-]+/g, '-').toLowerCase() || 'network';
  const json = (note = '') => ({
    data: JSON.stringify(doc, null, 2) + '\n',
    name: fileName ?? `${stem}.netloom.json`,
    note,
    ask: false,
  });
  if (!hasWeights()) return json();
  let p;
  try {
    p = await projectBytes(doc);
  } catch (e) {
    if (/offline/.test((e as Error).message)) return json(' (the engine is offline: without trained weights)');
    throw e;
  }
  // A zip never goes into a .json file: a legacy project is saved under a new .netloom name (asked).
  const legacy = !!fileName && /\.json$/i.test(fileName);
  return {
    data: p.bytes as string | Uint8Array,
    name: legacy || !fileName ? `${stem}.netloom` : fileName,
    note: p.dropped.length ? ` without the weights that no longer fit: ${p.dropped.join('; ')}` : '',
    ask: legacy,
  };
}

/**
 * Saves the project. A network with trained weights (a run of it, or an opened `.netloom`) is saved as the
 * `.netloom` zip with its weights, optimizer state and position (the engine packs them; a `.json` name asks for
 * a new one); an untrained network stays the plain JSON document. With the engine offline the document alone
 * is saved as JSON, and the toast says so.
 */
export async function saveFile(as = false) {
  const ui = useUi.getState();
  const doc = docStore.getState().doc;
  try {
    const { data, name, note, ask } = await saveData(doc, ui.fileName);
    const r = await host.saveFile(data, as || ask ? undefined : (ui.filePath ?? undefined), name);
    if (!r) return;
    docStore.getState().markClean();
    ui.set({ fileName: r.name, filePath: r.path });
    ui.toast(`Saved ${r.name}${note}`, 'info');
  } catch (e) {
    ui.toast(`could not save: ${(e as Error).message}`);
  }
}

/** Keeps the shell's title/dirty state and this window's recovery copy (recovery.ts) up to date. */
export function wireDocument(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  claimWindow();
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    writeOwnCopy(isDirty(docStore.getState()) ? docStore.getState().doc : null);
  };
  // Written 800 ms after the last edit (typing stays cheap), and at once when the page goes away.
  const onHide = () => timer !== undefined && save();
  addEventListener('pagehide', onHide);
  const sync = () => {
    const s = docStore.getState();
    const dirty = isDirty(s);
    const title = useUi.getState().fileName ?? s.doc.name;
    const key = `${title}|${dirty}`;
    if (key !== last) {
      last = key;
      host.setDocumentState({ title, dirty, path: useUi.getState().filePath ?? undefined });
    }
  };
  sync();
  const un1 = docStore.subscribe((s, prev) => {
    sync();
    if (s.doc === prev.doc && s.clean === prev.clean) return;
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  const un2 = useUi.subscribe(sync);
  const un3 = host.onMenu((cmd) => {
    if (cmd === 'undo') docStore.getState().undo();
    else if (cmd === 'redo') docStore.getState().redo();
    else if (cmd === 'new') guard('start a new network', newDocument);
    else if (cmd === 'open') openFile();
    else if (cmd === 'save') void saveFile();
    else if (cmd === 'saveAs') void saveFile(true);
    else if (cmd === 'export') useUi.getState().set({ dialog: 'export' });
  });
  return () => {
    un1();
    un2();
    un3();
    removeEventListener('pagehide', onHide);
    clearTimeout(timer);
  };
}

export async function openInitialFile() {
  try {
    const f = await host.initialFile();
    if (f) await (f.bytes ? openBytes(f.bytes, f) : openText(f.text, f));
  } catch {
    /* nothing to open */
  }
}
