// The ways opening a store fails, with the words the gateway prints.

export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';

  constructor(
    /** The SQLite file, or the PostgreSQL URL without its password. */
    readonly database: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function notReadable(database: string, reason: string, cause?: unknown): StoreOpenError {
  return new StoreOpenError(
    database,
    `${database} is not a readable Kordon database (${reason}); restore it from a backup or move it away to start empty`,
    { cause },
  );
}
