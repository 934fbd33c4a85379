// Recovery copies of unsaved work, one per window. All windows of the origin share one localStorage, so
// each window writes and deletes only its own key (`netloom.recovery.<window id>`), and holds a Web Lock
// named after its id for as long as it lives. A copy whose window's lock is free belongs to a window that
// is gone (closed, crashed, reloaded): an orphan, offered on start. A live window's copy is never offered
// and never deleted by another window.
import { parseDocument, type NetworkDoc } from '../../../engine/core';

const PREFIX = 'netloom.recovery.';
/** The single key of earlier versions: always an orphan (no window owns it any more). */
const LEGACY = 'netloom.recovery';
const LOCK = 'netloom.window.';

const randomId = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** This window's id: fresh on every page load, so a reloaded page finds its earlier copy orphaned. */
export const windowId = randomId();
export const ownKey = PREFIX + windowId;

export interface RecoveryCopy {
  key: string;
  doc: NetworkDoc;
  at: number;
}

/** Web Locks (Chromium, Electron); absent elsewhere, where liveness cannot be known. */
const locks = (): LockManager | undefined => (globalThis.navigator as Navigator | undefined)?.locks;

/** Holds this window's lock until the page goes away (the browser releases it then, also on a crash). */
export function claimWindow(): void {
  void locks()?.request(LOCK + windowId, () => new Promise<void>(() => {}));
}

/** Writes this window's copy, or removes it (`null`: the document is saved). Best effort. */
export function writeOwnCopy(doc: NetworkDoc | null): void {
  try {
    if (doc) localStorage.setItem(ownKey, JSON.stringify({ doc, at: Date.now() }));
    else localStorage.removeItem(ownKey);
  } catch {
    /* storage full or disabled: recovery is best effort */
  }
}

export function readCopy(key: string): RecoveryCopy | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const r = JSON.parse(raw) as { doc: unknown; at: number };
    const { doc } = parseDocument(r.doc);
    return doc ? { key, doc, at: r.at } : null;
  } catch {
    return null;
  }
}

export function removeCopy(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* nothing to remove */
  }
}

/** Every recovery key in storage but this window's own. */
export function otherCopyKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k && k !== ownKey && (k === LEGACY || k.startsWith(PREFIX))) keys.push(k);
  }
  return keys;
}

/**
 * Offers each orphaned copy present at start through `offer(copy, done)`. For each copy this window asks
 * for its owner's lock: granted at once when the owner is gone, later if the owner dies later. The lock is
 * held until `done()` (the user restored or discarded it), so two windows never offer the same copy at once;
 * the next one to get the lock finds the copy gone. Returns a function that stops waiting.
 */
export function watchOrphans(offer: (copy: RecoveryCopy, done: () => void) => void): () => void {
  const ac = new AbortController();
  const lm = locks();
  for (const key of otherCopyKeys()) {
    const show = (release: () => void) => {
      const copy = readCopy(key);
      if (!copy || ac.signal.aborted) return release();
      offer(copy, release);
    };
    if (key === LEGACY || !lm) {
      show(() => {});
      continue;
    }
    lm.request(LOCK + key.slice(PREFIX.length), { signal: ac.signal }, () => new Promise<void>((r) => show(r))).catch(
      () => {
        /* aborted: the window is going away */
      },
    );
  }
  return () => ac.abort();
}
