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
      /** The loss itself: NaN, or ±Infinity ('inf'). The update of that batch was skipped. */
      kind: 'nan' | 'inf';
      step: number;
      epoch: number;
      batch: number;
      block: string | null;
      message: string;
    }
  | { event: 'state'; state: RunState; reason?: string }
  /** workers: 'auto' measured its first steps: how many workers it keeps, and why. */
  | { event: 'workers'; count: number; reason: string }
  | {
      event: 'done';
      trainAccuracy: number;
      /** The last epoch's held-out figures (absent when no epoch completed); `valSource` says which part. */
      valLoss?: number;
      valAccuracy?: number;
      valSource?: 'validation' | 'test';
      /** The test set, evaluated once at the end. */
      testAccuracy: number;
      testLoss: number;
      imagesPerSecond: number;
      backend: string;
      epochs: number;
      steps: number;
      /** stop() ended the run. */
      stopped: boolean;
      /** Early stopping ended the run (its state event carries the reason). */
      earlyStopped: boolean;
    };

export type TrainListener = (e: TrainEvent) => void;
