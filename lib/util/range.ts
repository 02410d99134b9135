/**
 * Range checks of numbers a program passes in (options, fields to encode), all with one message:
 * `Cannot <doing>: '<name>' must be an integer from <min> to <max>: current value is <value>`
 * (or `≥ <min>` when there is no upper bound, `a number` for non-integers). The command line and
 * the API check text that people type with their own messages (`whole_number.ts`).
 */

/**
 * A range check: `value` if it is in range (`min` and `max` included, unbounded by default).
 *
 * @param doing What was being done, for the message: `encode timer`, `pair`.
 * @param name The option or field.
 * @throws {RangeError} Otherwise, naming the operation, the field, the range and the value.
 */
export type RangeCheck = (
  doing: string,
  name: string,
  value: unknown,
  min?: number,
  max?: number,
) => number;

/** `value` if it is an integer from `min` to `max`. */
export const checkInteger: RangeCheck = (doing, name, value, min = -Infinity, max = Infinity) => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(doing, name, value, "an integer", min, max);
  }
  return value;
};

/** `value` if it is a number from `min` to `max`; finite whatever the bounds. */
export const checkNumber: RangeCheck = (doing, name, value, min = -Infinity, max = Infinity) => {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value >= min && value <= max)) {
    const kind = Number.isFinite(min) && Number.isFinite(max) ? "a number" : "a finite number";
    throw outOfRange(doing, name, value, kind, min, max);
  }
  return value;
};

function outOfRange(
  doing: string,
  name: string,
  value: unknown,
  kind: string,
  min: number,
  max: number,
): RangeError {
  const bounds = Number.isFinite(min) && Number.isFinite(max)
    ? ` from ${min} to ${max}`
    : Number.isFinite(min)
    ? ` ≥ ${min}`
    : Number.isFinite(max)
    ? ` ≤ ${max}`
    : "";
  return new RangeError(
    `Cannot ${doing}: '${name}' must be ${kind}${bounds}: current value is ${String(value)}`,
  );
}
