// What the app remembers between runs, in one JSON file in userData: the last window bounds and the
// recent projects. Loading never throws (a corrupt file means defaults); saving is atomic (write + rename).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bounds = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof bounds>;

const stateSchema = z.object({
  window: bounds.default({ width: 1400, height: 900, maximized: false }),
  recent: z.array(z.string()).default([]),
});
export type AppState = z.infer<typeof stateSchema>;

export const MAX_RECENT = 10;
export const DEFAULT_STATE: AppState = stateSchema.parse({});

export class AppStateStore {
  private state: AppState;

  constructor(private readonly file: string) {
    this.state = AppStateStore.read(file);
  }

  static read(file: string): AppState {
    try {
      const r = stateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      return r.success ? r.data : structuredClone(DEFAULT_STATE);
    } catch {
      return structuredClone(DEFAULT_STATE);
    }
  }

  get(): AppState {
    return structuredClone(this.state);
  }

  setWindow(b: WindowBounds): void {
    const r = bounds.safeParse(b);
    if (r.success) this.update({ window: r.data });
  }

  /** Put `file` first in the recent list (unique, at most MAX_RECENT). */
  addRecent(file: string): string[] {
    const recent = [file, ...this.state.recent.filter((f) => f !== file)].slice(0, MAX_RECENT);
    this.update({ recent });
    return recent;
  }

  clearRecent(): void {
    this.update({ recent: [] });
  }

  private update(patch: Partial<AppState>) {
    this.state = { ...this.state, ...patch };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    fs.renameSync(tmp, this.file);
  }
}

/** A saved position is reused only if it is still on a screen (monitors get unplugged). */
export function placeOnScreen(
  b: WindowBounds,
  screens: { x: number; y: number; width: number; height: number }[],
): WindowBounds {
  if (b.x === undefined || b.y === undefined) return b;
  const visible = screens.some(
    (s) => b.x! + 100 > s.x && b.x! < s.x + s.width - 100 && b.y! >= s.y - 10 && b.y! < s.y + s.height - 100,
  );
  return visible ? b : { width: b.width, height: b.height, maximized: b.maximized };
}
