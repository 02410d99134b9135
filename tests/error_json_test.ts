/**
 * The one error path: every error has a code from ERROR_CODES, which gives the CLI's exit code
 * and the API's status, and errors survive the trip to JSON and back as the same classes.
 */
import assert from "node:assert/strict";
import { errorBody, errorCodeOf, errorFromJson, errorJson } from "../lib/error_json.ts";
import {
  DeviceNotFoundError,
  DeviceTimeoutError,
  ERROR_CODES,
  NetworkError,
  S20Error,
} from "../lib/errors.ts";
import { HttpError, statusOf } from "../lib/api/http.ts";
import { UsageError } from "../lib/cli/usage_error.ts";
import { PairingError } from "../lib/pairing/errors.ts";
import { DecodeError } from "../lib/protocol/decode_error.ts";
import { ScheduleError } from "../lib/schedule/schedule_error.ts";

/** What a DaemonClient makes of what the daemon answers for `error`. */
function roundTrip(error: unknown): Error {
  return errorFromJson(JSON.parse(JSON.stringify(errorBody(error))));
}

Deno.test("every kind of error has a code from the table", () => {
  const issue = { file: "s.yaml", line: 2, column: 3, message: "bad" };
  const cases: [unknown, string][] = [
    [new DeviceTimeoutError("ac:cf:23:24:19:c0", "dc", 5), "DEVICE_TIMEOUT"],
    [new UsageError("bad flag"), "USAGE"],
    [new ScheduleError([issue]), "SCHEDULE_INVALID"],
    [new DecodeError("too short", 2, new Uint8Array(4)), "INVALID_PACKET"],
    [new RangeError("out of range"), "INVALID_VALUE"],
    [new TypeError("wrong type"), "INVALID_VALUE"],
    [new Error("a bug"), "INTERNAL"],
    ["a string thrown", "INTERNAL"],
  ];
  for (const [error, code] of cases) {
    assert.equal(errorCodeOf(error), code, String(error));
    assert.equal(errorJson(error).error.code, code);
    assert.ok(Object.hasOwn(ERROR_CODES, code));
  }
});

Deno.test("exit codes and HTTP statuses come from the table", () => {
  const exit = (error: unknown) => ERROR_CODES[errorCodeOf(error)].exit;
  assert.equal(exit(new DeviceTimeoutError("m", "dc", 1)), 1);
  assert.equal(exit(new UsageError("bad")), 2);
  assert.equal(exit(new DecodeError("bad", 0, new Uint8Array())), 2);
  assert.equal(exit(new DeviceNotFoundError("desk")), 3);
  assert.equal(exit(new S20Error("TIMER_NOT_FOUND", "no timer 7")), 3);
  assert.equal(exit(new Error("a bug")), 1);
  assert.equal(statusOf(new DeviceTimeoutError("m", "dc", 1)), 504);
  assert.equal(statusOf(new DeviceNotFoundError("desk")), 404);
  assert.equal(statusOf(new S20Error("DAEMON_STOPPING", "stopping")), 503);
  assert.equal(statusOf(new ScheduleError([{ file: "f", line: 1, column: 1, message: "x" }])), 422);
  assert.equal(statusOf(new RangeError("x")), 400);
  assert.equal(statusOf(new Error("a bug")), 500);
  assert.equal(statusOf(new HttpError("NOT_FOUND", "no such endpoint")), 404);
  assert.equal(statusOf(new HttpError("USAGE", "use GET", { status: 405 })), 405);
});

Deno.test("errors come back from JSON as the classes a direct client throws", () => {
  const timeout = roundTrip(new DeviceTimeoutError("ac:cf:23:24:19:c0", "dc", 5));
  assert.ok(timeout instanceof DeviceTimeoutError);
  assert.deepEqual([timeout.mac, timeout.command, timeout.attempts], [
    "ac:cf:23:24:19:c0",
    "dc",
    5,
  ]);
  const original = new DeviceNotFoundError("desk", "no socket has this name");
  const missing = roundTrip(original);
  assert.ok(missing instanceof DeviceNotFoundError);
  assert.equal(missing.target, "desk");
  assert.equal(missing.message, original.message);
  assert.ok(roundTrip(new RangeError("too long")) instanceof RangeError);
  assert.ok(roundTrip(new TypeError("not a string")) instanceof TypeError);
  assert.ok(roundTrip(new NetworkError("no route")) instanceof NetworkError);
  const refused = roundTrip(
    new PairingError("AT_ERROR", null, "the module said +ERR=-4", {
      step: "AT+WSSSID",
      atError: -4,
    }),
  );
  assert.ok(refused instanceof S20Error);
  assert.equal(refused.code, "AT_ERROR");
  assert.deepEqual(errorJson(refused).error, {
    code: "AT_ERROR",
    message: "the module said +ERR=-4",
    step: "AT+WSSSID",
    atError: -4,
  });
});

Deno.test("a code this version does not know, or a malformed body, is a protocol error", () => {
  const unknown = errorFromJson({ error: { code: "FROM_THE_FUTURE", message: "new" } });
  assert.ok(unknown instanceof S20Error);
  assert.equal(unknown.code, "DAEMON_PROTOCOL");
  assert.match(unknown.message, /FROM_THE_FUTURE.*new/);
  for (const body of [null, "text", { error: "text" }, {}]) {
    const error = errorFromJson(body);
    assert.ok(error instanceof S20Error);
    assert.equal(error.code, "DAEMON_PROTOCOL");
  }
});
