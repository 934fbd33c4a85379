// The training run the engine-API tests start: LeNet on a real 640-sample slice of Fashion-MNIST, batches of 64,
// SGD with momentum, seeded. Tests override what they are about (epochs, holds, backend, the split).
import { loadTemplate } from '../../../templates';
import type { TrainConfig } from '../../protocol';

export function lenetRun(extra: Partial<TrainConfig> = {}): TrainConfig {
  return {
    doc: loadTemplate('lenet') as object,
    epochs: 2,
    batchSize: 64,
    lr: 0.05,
    optimizer: 'sgd',
    momentum: 0.9,
    seed: 3,
    ...extra,
    data: { source: 'fashion-mnist', limit: 640, ...extra.data }, // 10% held out unless validationSplit says
  };
}
