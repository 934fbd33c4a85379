// engine/train: the trainer, its events, schedules, sessions (doc + data → model) and weights in project files.
export { Trainer, type TrainConfig, type Checkpoint } from './trainer';
export type { TrainEvent, TrainListener, RunState } from './events';
export { scheduledLr, type Schedule } from './schedule';
export { openSession, SessionError, type Session, type SessionSpec } from './session';
export {
  encodeWeights,
  decodeWeights,
  checkWeightsFit,
  withWeights,
  WeightsError,
  type WeightsErrorCode,
} from './weights';
