/** The outcome of reading one field: a value, or a message saying what is wrong and the fix. */
export type Parsed<T> = { readonly value: T; readonly error?: undefined } | {
  readonly value?: undefined;
  readonly error: string;
};

/** Wraps a value. */
export function ok<T>(value: T): Parsed<T> {
  return { value };
}

/** Wraps a message. */
export function fail<T>(error: string): Parsed<T> {
  return { error };
}
