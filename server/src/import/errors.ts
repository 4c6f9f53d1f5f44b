import type { ImportReport } from '@warroom/shared';

/** The file as a whole cannot be imported (no header, no time column …): nothing was read into a launch. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A batch could not be stored; the report says which lines were stored before it. */
export class ImportStorageError extends Error {
  constructor(
    readonly report: ImportReport,
    override readonly cause: unknown,
  ) {
    super('the import could not be stored completely');
    this.name = 'ImportStorageError';
  }
}
