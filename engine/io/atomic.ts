// Atomic file writes: every file the engine (and the desktop shell) writes goes through here, so a failure
// mid-write — disk full, a folder deleted or made read-only, a crash — never leaves a truncated file in place of
// the previous one. The data goes to a hidden temporary file in the same folder (same file system, so the
// final rename is atomic), is flushed to disk, then renamed over the target. On any failure the temporary file is
// removed and the previous file is untouched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type WriteErrorCode =
  | 'E_WRITE_NO_DIR' // the folder does not exist (or a part of the path is a file)
  | 'E_WRITE_IS_DIR' // the path names a folder, not a file
  | 'E_WRITE_DENIED' // no permission, or a read-only file system
  | 'E_WRITE_NO_SPACE' // the disk (or quota) is full
  | 'E_WRITE_FAILED'; // anything else, with the system's own words

/** A failed write with a stable code; the message is one line and names the file. */
export class WriteError extends Error {
  constructor(
    readonly code: WriteErrorCode,
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WriteError';
  }
}

export const isWriteError = (e: unknown): e is WriteError => e instanceof WriteError;

/** What a write accepts: bytes, text, or chunks of either (a large document serialized piece by piece). */
export type WriteData = string | Uint8Array | Iterable<string | Uint8Array>;

const firstLine = (s: string) => s.split('\n')[0];

/** Translates a system error (errno code) into a coded one-line WriteError about `file`. */
function toWriteError(e: unknown, file: string): WriteError {
  if (e instanceof WriteError) return e;
  const errno = (e as NodeJS.ErrnoException)?.code;
  const dir = path.dirname(path.resolve(file));
  const say = (code: WriteErrorCode, why: string) =>
    new WriteError(code, `cannot write "${file}": ${why}`, file, { cause: e });
  switch (errno) {
    case 'ENOENT':
      return say('E_WRITE_NO_DIR', `the folder "${dir}" does not exist`);
    case 'ENOTDIR':
      return say('E_WRITE_NO_DIR', `a part of "${dir}" is not a folder`);
    case 'EISDIR':
      return say('E_WRITE_IS_DIR', 'it is a folder; give a file name');
    case 'EACCES':
    case 'EPERM':
      return say('E_WRITE_DENIED', `no permission to write in "${dir}"`);
    case 'EROFS':
      return say('E_WRITE_DENIED', `"${dir}" is on a read-only file system`);
    case 'ENOSPC':
    case 'EDQUOT':
      return say('E_WRITE_NO_SPACE', 'the disk is full');
    default:
      return say('E_WRITE_FAILED', firstLine(e instanceof Error ? e.message : String(e)));
  }
}

/** A hidden name next to `file`, unique per process and call (two writers never share a temporary file). */
const tempName = (file: string) =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);

/**
 * Checks, before long work (a training run), that `file` can be written later: its folder exists, the path is not a
 * folder, and a file can really be created there. The probe creates and removes a temporary file because permission
 * bits do not tell (root ignores them; read-only mounts and network file systems have their own rules).
 */
export function checkWritable(file: string): void {
  try {
    if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory())
      throw Object.assign(new Error(), { code: 'EISDIR' });
    const probe = tempName(file);
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.unlinkSync(probe);
  } catch (e) {
    throw toWriteError(e, file);
  }
}

/**
 * Writes `data` to `file` atomically: readers see the previous file or the complete new one, never a part. An
 * existing file keeps its permission bits. Throws a WriteError; the previous file is then untouched.
 */
export function writeFileAtomic(file: string, data: WriteData): void {
  const tmp = tempName(file);
  let fd: number | undefined;
  try {
    const previous = fs.statSync(file, { throwIfNoEntry: false });
    if (previous?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    fd = fs.openSync(tmp, 'wx', previous ? previous.mode & 0o777 : 0o666);
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) fs.writeFileSync(fd, chunk);
    fs.fsyncSync(fd); // on disk before the rename makes it visible: a crash cannot leave an empty file behind
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was created (the folder is missing or not a folder)
    }
    throw toWriteError(e, file);
  }
}
