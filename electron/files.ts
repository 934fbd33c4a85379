// Which files a window may write. The page never names an arbitrary path: it may save only to a path that
// main itself handed to that window (from an open/save dialog or the file it was opened with), so a
// compromised page cannot overwrite ~/.bashrc through `saveFile(text, path)`.
export class FileGrants {
  private readonly grants = new Map<number, Set<string>>();

  grant(windowId: number, file: string): void {
    let set = this.grants.get(windowId);
    if (!set) this.grants.set(windowId, (set = new Set()));
    set.add(file);
  }

  allowed(windowId: number, file: string): boolean {
    return this.grants.get(windowId)?.has(file) ?? false;
  }

  forget(windowId: number): void {
    this.grants.delete(windowId);
  }
}

export const PROJECT_FILTERS = [
  { name: 'Netloom project', extensions: ['netloom', 'netloom.json'] },
  { name: 'JSON', extensions: ['json'] },
];

/** Make sure a saved project ends in `.netloom` (a zip) or `.netloom.json` (dialogs on Linux do not always add it). */
export function withProjectExtension(file: string, zip = false): string {
  return /\.(json|netloom)$/i.test(file) ? file : `${file}${zip ? '.netloom' : '.netloom.json'}`;
}
