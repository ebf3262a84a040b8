/**
 * Errors caused by a user's input (a bad file, a bad argument). The CLI prints `message` on one
 * line and exits with code 2; anything else that escapes is a bug and exits with code 1.
 */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** Where in a data file a problem sits; `line` is 1-based and counts the header line. */
export interface DataErrorLocation {
  readonly file: string;
  readonly line?: number;
  /** 1-based column number. */
  readonly column?: number;
  readonly columnName?: string;
  readonly value?: string;
}

/** A problem in a data file: names the file, line, column and value, and says what is wrong. */
export class DataError extends InputError {
  readonly location: DataErrorLocation;
  readonly reason: string;

  constructor(location: DataErrorLocation, reason: string) {
    super(formatDataError(location, reason));
    this.name = 'DataError';
    this.location = location;
    this.reason = reason;
  }
}

export function formatDataError(location: DataErrorLocation, reason: string): string {
  let where = location.file;
  if (location.line !== undefined) where += `:${location.line}`;
  if (location.column !== undefined) where += `:${location.column}`;
  const parts = [where];
  if (location.columnName !== undefined) parts.push(`column '${location.columnName}'`);
  if (location.value !== undefined) parts.push(`value ${JSON.stringify(clip(location.value))}`);
  return `${parts.join(' ')}: ${reason}`;
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
