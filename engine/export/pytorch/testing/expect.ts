// Test helper: the assertions every exported template must pass (shared by the small and large template tests).
import { expect } from 'vitest';
import { maxDiff } from '../../testing/fixtures';
import type { Roundtrip } from './roundtrip';

/** Templates with 224×224 or 96×96 inputs: minutes of tfjs work each, so they run in their own test file. */
export const LARGE = ['alexnet', 'vgg11', 'nin', 'googlenet', 'resnet18', 'densenet'];

export function expectRoundtrip(r: Roundtrip | undefined): void {
  expect(r, 'the template was not exported').toBeDefined();
  if (r!.error) throw r!.error;
  expect(r!.got, 'python3 wrote no logits').toBeDefined();
  expect(r!.gotShape).toEqual([r!.want.length / r!.net.output![0], r!.net.output![0]]);
  expect(maxDiff(r!.got!, r!.want)).toBeLessThan(1e-4);
  // Every trainable number of the document is one trainable element in PyTorch: shared ones count once.
  expect(r!.counts!.trainable).toBe(r!.net.params.trainable);
}
