// The debug views' state (zustand): which tab the drawer shows, the Inside view's watched block and its newest
// snapshot, the health series, the evaluation and the runs chosen for comparison. link.ts fills it from the
// engine; the components read it. Pure reducers live in snapshot.ts / health.ts / evaluation.ts / runs.ts.
import { create } from 'zustand';
import type { EvaluateResult } from '../../../../engine/protocol';
import { emptyHealth, type HealthState, type HistAt } from './health';
import { emptyInside, type InsideState } from './snapshot';

export type DebugTab = 'curves' | 'inside' | 'health' | 'evaluation' | 'runs';
export const DEBUG_TABS: { id: DebugTab; label: string }[] = [
  { id: 'curves', label: 'Curves' },
  { id: 'inside', label: 'Inside' },
  { id: 'health', label: 'Health' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'runs', label: 'Runs' },
];

export interface CodedError {
  code: string;
  message: string;
}

/** Probe pixels of some samples of a split (for the evaluation's images), by sample index. */
export interface SampleImage {
  data: Float32Array;
  /** (C, H, W) of one sample. */
  shape: number[];
}

export interface DebugState {
  tab: DebugTab;
  /** The block the Inside view watches (the selection while Inside or Health is shown), its output shape. */
  watched: string | null;
  watchedShape: number[] | null;
  inside: InsideState;
  /** Which probe sample the Inside view shows. */
  sample: number;
  insideError: CodedError | null;
  health: HealthState;
  healthSub: string | null;
  /** Why the run's health cannot be watched (e.g. a torch run), shown in the Health view. */
  healthError: CodedError | null;
  /** Histograms of the watched block's parameters over time, by `<gluon name>/weight|grad`. */
  histograms: Record<string, HistAt[]>;
  evaluation: EvaluateResult | null;
  evaluating: boolean;
  evalError: CodedError | null;
  /** The confusion cell whose samples are shown (true i, predicted j). */
  cell: { i: number; j: number } | null;
  images: Record<number, SampleImage>;
  /** Up to two recorded runs overlaid in the Runs tab. */
  compare: string[];
  set(p: Partial<DebugState>): void;
}

export const initialDebug = () => ({
  tab: 'curves' as DebugTab,
  watched: null,
  watchedShape: null,
  inside: emptyInside(),
  sample: 0,
  insideError: null,
  health: emptyHealth(),
  healthSub: null,
  healthError: null,
  histograms: {},
  evaluation: null,
  evaluating: false,
  evalError: null,
  cell: null,
  images: {},
  compare: [],
});

export const useDebug = create<DebugState>()((set) => ({ ...initialDebug(), set: (p) => set(p) }));
