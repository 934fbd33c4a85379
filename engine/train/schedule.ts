// Learning-rate schedules: constant, step decay and cosine annealing, as functions of progress.

import type { Schedule } from '../core';

export type { Schedule };

/** The learning rate at (epoch, step of total) given the base rate. Example: step every 2 epochs ×0.1. */
export function scheduledLr(
  s: Schedule | undefined,
  base: number,
  epoch: number,
  step: number,
  totalSteps: number,
): number {
  if (!s || s.type === 'constant') return base;
  if (s.type === 'step') return base * s.gamma ** Math.floor(epoch / s.every);
  const min = s.minLr ?? 0;
  return min + (base - min) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, totalSteps)) / Math.max(1, totalSteps)));
}
