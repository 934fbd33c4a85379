// Writing a project file: the zip is streamed through engine/io's atomic write (temporary file, fsync, rename),
// so a failed save leaves the previous file in place and no second copy of the weights is ever built.
import { writeFileAtomic } from '../../io';
import { projectChunks, type Project } from './project';

/** Writes `p` to `file` as a `.netloom` zip, atomically. Throws engine/io's WriteError (coded, one line). */
export async function writeProject(file: string, p: Project): Promise<void> {
  writeFileAtomic(file, projectChunks(p));
}
