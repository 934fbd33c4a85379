// Errors as a catalogue (DESIGN.md house style): every failure in engine/data is a DataError with a
// stable code, so the protocol can carry it as data and the UI can explain it without parsing text.

export type DataErrorCode =
  | 'E_DATA_NOT_FOUND' // a file, folder or built-in data set is missing
  | 'E_DATA_TRUNCATED' // a file ends before its header says it should (IDX, gzip)
  | 'E_DATA_MAGIC' // an IDX file whose magic number is not the expected one
  | 'E_DATA_FORMAT' // structurally wrong: bad dims, trailing bytes, labels out of range, no classes
  | 'E_DATA_COUNT_MISMATCH' // image and label files disagree on the number of samples
  | 'E_DATA_EMPTY_CLASS' // a class folder without a single image
  | 'E_DATA_DECODE' // an image (PNG/JPEG) or gzip stream that cannot be decoded
  | 'E_DATA_CHECKSUM' // a download whose MD5 differs from the table
  | 'E_DATA_DOWNLOAD' // network failure, HTTP error, or an interrupted transfer
  | 'E_DATA_CSV' // a malformed CSV row or a non-numeric feature cell
  | 'E_DATA_LABEL_COLUMN' // the chosen label column is not in the CSV header
  | 'E_DATA_OPTION' // an invalid loadDataset option (split outside [0,1), resize on a table, …)
  | 'E_DATA_CANCELLED'; // the caller's AbortSignal fired

/** A data error with a stable code; `file` names the file or folder at fault when there is one. */
export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly file?: string;

  constructor(code: DataErrorCode, message: string, file?: string, options?: { cause?: unknown }) {
    // The file is part of the message too: logs and toasts show only the message.
    super(file && !message.includes(file) ? `${file}: ${message}` : message, options);
    this.name = 'DataError';
    this.code = code;
    if (file !== undefined) this.file = file;
  }

  /** Plain data for the protocol boundary (errors cross it as `{code, message}`). */
  toJSON(): { code: DataErrorCode; message: string; file?: string } {
    return { code: this.code, message: this.message, ...(this.file ? { file: this.file } : {}) };
  }
}

export const isDataError = (e: unknown, code?: DataErrorCode): e is DataError =>
  e instanceof DataError && (code === undefined || e.code === code);
