// engine/io: file writing shared by the engine, the CLI, exporters and the desktop shell (node:* only).
export {
  checkWritable,
  writeFileAtomic,
  WriteError,
  isWriteError,
  type WriteErrorCode,
  type WriteData,
} from './atomic';
