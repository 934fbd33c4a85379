// What main does with files, as plain functions over real paths: reading a project for a window, saving it
// (Save / Save As, atomic), and writing an export's files into a folder the user chose. Electron's dialogs come
// in as parameters (a chosen path, or null when the user cancelled), so these run and are tested under plain Node;
// main.ts only wires them to `dialog` and `ipcMain`.
import fs from 'node:fs';
import path from 'node:path';
import { checkWritable, isWriteError, writeFileAtomic } from '../engine/io';
import type { ExportedFile, OpenedFile } from '../engine/protocol/host';
import { withProjectExtension } from './files';

/** Why a save or an export was refused before anything was written; the message is one line. */
export type SaveErrorCode = 'E_SAVE_OUTSIDE_FOLDER' | 'E_SAVE_SYMLINK' | 'E_SAVE_DUPLICATE';

export class SaveError extends Error {
  constructor(
    readonly code: SaveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SaveError';
  }
}

/** "CODE: message", the line the renderer shows (only the message crosses IPC, so the code travels in it). */
export function errorLine(e: unknown): string {
  if (e instanceof SaveError || isWriteError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** A `.netloom` zip goes to the page as bytes (the engine reads it), a JSON project as text. */
export function readProjectFile(file: string): OpenedFile {
  const bytes = fs.readFileSync(file);
  const zip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  return zip
    ? { path: file, name: path.basename(file), text: '', bytes: new Uint8Array(bytes) }
    : { path: file, name: path.basename(file), text: bytes.toString('utf8') };
}

export interface SaveRequest {
  data: string | Uint8Array;
  /** The file the page last opened or saved; used only if main granted it to this window. */
  path?: string;
  suggestedName?: string;
}

export interface SaveContext {
  /** Whether main handed `file` to this window (files.ts FileGrants). */
  granted(file: string): boolean;
  /** The save dialog: the chosen path, or null when cancelled. */
  askPath(defaultName: string): Promise<string | null>;
}

/**
 * Save / Save As: to the window's granted file without asking, otherwise where the user says (the project
 * extension added when the dialog did not). Atomic: a failed write leaves the previous file as it was.
 * Null when the user cancelled (nothing written). Throws a WriteError with its code otherwise.
 */
export async function saveProject(req: SaveRequest, ctx: SaveContext): Promise<{ path: string; name: string } | null> {
  let file = req.path && ctx.granted(req.path) ? req.path : undefined;
  if (!file) {
    const chosen = await ctx.askPath(req.suggestedName ?? 'network.netloom.json');
    if (!chosen) return null;
    file = withProjectExtension(chosen, typeof req.data !== 'string');
  }
  writeFileAtomic(file, req.data);
  return { path: file, name: path.basename(file) };
}

/**
 * Writes an export's files into `dir`, each atomically (temp file + rename: a reader never sees half a shard).
 * Everything that can be checked is checked before the first byte is written, so a refused export writes nothing:
 * every name must land directly in `dir` (no `..`, no separators, no absolute path; the IPC schema already
 * refuses them, this is the last line), no name may be an existing symlink (a link planted in the folder must not
 * redirect the export; the rename would replace the link, not follow it, but the user meant neither) or appear
 * twice, and the folder must accept a new file (E_WRITE_DENIED for a read-only one, E_WRITE_NO_DIR for a missing one).
 */
export function writeIntoFolder(dir: string, files: readonly ExportedFile[]): { where: string; names: string[] } {
  const root = path.resolve(dir);
  const seen = new Set<string>();
  const targets = files.map((f) => {
    const target = path.resolve(root, f.name);
    if (path.dirname(target) !== root || path.basename(target) !== f.name)
      throw new SaveError('E_SAVE_OUTSIDE_FOLDER', `"${f.name}" is not a file name inside "${root}"`);
    if (seen.has(f.name)) throw new SaveError('E_SAVE_DUPLICATE', `the export names "${f.name}" twice`);
    seen.add(f.name);
    return target;
  });
  if (targets.length) checkWritable(targets[0]); // the folder exists, is a folder, and takes a new file
  for (const t of targets) {
    if (fs.lstatSync(t, { throwIfNoEntry: false })?.isSymbolicLink())
      throw new SaveError('E_SAVE_SYMLINK', `"${t}" is a symbolic link; remove it or choose another folder`);
    checkWritable(t); // not a folder in the file's place (E_WRITE_IS_DIR)
  }
  targets.forEach((t, i) => writeFileAtomic(t, files[i].data));
  return { where: root, names: files.map((f) => f.name) };
}

/** The menu's/dialog's Export: asks for a folder (null when cancelled: nothing written), then writes into it. */
export async function exportToFolder(
  files: readonly ExportedFile[],
  chooseFolder: () => Promise<string | null>,
): Promise<{ where: string; names: string[] } | null> {
  const dir = await chooseFolder();
  return dir ? writeIntoFolder(dir, files) : null;
}
