import assert from "node:assert/strict";
import { checkInteger, checkNumber } from "../../lib/util/range.ts";

Deno.test("checkInteger returns a value in range and names operation, field, range and value otherwise", () => {
  assert.equal(checkInteger("encode timer", "hour", 23, 0, 23), 23);
  assert.throws(
    () => checkInteger("encode timer", "hour", 24, 0, 23),
    {
      name: "RangeError",
      message: "Cannot encode timer: 'hour' must be an integer from 0 to 23: current value is 24",
    },
  );
  assert.throws(
    () => checkInteger("pair", "attempts", 1.5, 1),
    { message: "Cannot pair: 'attempts' must be an integer ≥ 1: current value is 1.5" },
  );
  assert.throws(
    () => checkInteger("inject faults", "seed", Number.NaN),
    { message: "Cannot inject faults: 'seed' must be an integer: current value is NaN" },
  );
});

Deno.test("checkNumber takes fractions in range and refuses NaN, infinities and non-numbers", () => {
  assert.equal(checkNumber("inject faults", "loss", 0.25, 0, 1), 0.25);
  assert.throws(
    () => checkNumber("compute sun time", "latitude", undefined, -90, 90),
    {
      message:
        "Cannot compute sun time: 'latitude' must be a number from -90 to 90: current value is undefined",
    },
  );
  assert.throws(
    () => checkNumber("pair", "settleMs", Infinity, 0),
    { message: "Cannot pair: 'settleMs' must be a finite number ≥ 0: current value is Infinity" },
  );
  assert.throws(() => checkNumber("pair", "settleMs", -1, 0), RangeError);
  assert.throws(() => checkNumber("pair", "settleMs", Number.NaN, 0), RangeError);
});
