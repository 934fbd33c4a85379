// The trainer's event stream: typed, plain data (numbers and strings) so it crosses any transport as is.
// The CLI prints it (a progress bar, or one JSON object per line); the engine host forwards it to the UI.

export type RunState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped' | 'done' | 'failed';

export type TrainEvent =
  | {
      event: 'start';
      backend: string;
      backendReason: string;
      network: string;
      params: number;
      samples: number;
      batchesPerEpoch: number;
      epochs: number;
      batchSize: number;
    }
  | {
      event: 'progress';
      epoch: number;
      batch: number;
      batches: number;
      step: number;
      loss: number;
      accuracy: number;
      lr: number;
      imagesPerSecond: number;
    }
  | {
      event: 'epoch';
      epoch: number;
      trainLoss: number;
      trainAccuracy: number;
      valLoss: number;
      valAccuracy: number;
      valSource: 'validation' | 'test';
      seconds: number;
      lr: number;
    }
  | {
      event: 'anomaly';
      kind: 'non-finite-loss';
      step: number;
      epoch: number;
      batch: number;
      block: string | null;
      message: string;
    }
  | { event: 'state'; state: RunState; reason?: string }
  | {
      event: 'done';
      trainAccuracy: number;
      testAccuracy: number;
      testLoss: number;
      imagesPerSecond: number;
      backend: string;
      epochs: number;
      steps: number;
      stopped: boolean;
      earlyStopped: boolean;
    };

export type TrainListener = (e: TrainEvent) => void;
