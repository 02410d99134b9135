/**
 * What each `/v1/sockets/{target}/…` endpoint does with the socket's handle: the body checked
 * field by field (messages name the field, never echo its value), the call made with the
 * request's timeout and signal, the result as JSON.
 */
import type { SocketController } from "../client/controller.ts";
import type { CallOptions, IconName } from "../client/types.ts";
import type { TimerSpec } from "../client/timer_spec.ts";
import { redactSocketData } from "./redact.ts";
import { clockToJson, socketDataToJson, timerFromJson, timerToJson } from "./wire.ts";
import type { SocketData } from "../protocol/records.ts";

/** Handles one endpoint for one socket. */
export type SocketHandler = (
  socket: SocketController,
  body: Record<string, unknown>,
  options: CallOptions,
  id: number,
) => Promise<Record<string, unknown>>;

function field<T>(
  body: Record<string, unknown>,
  name: string,
  what: string,
  ok: (value: unknown) => boolean,
): T {
  if (!ok(body[name])) throw new TypeError(`'${name}' must be ${what}`);
  return body[name] as T;
}

const isBoolean = (v: unknown) => typeof v === "boolean";
const isString = (v: unknown) => typeof v === "string";
const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const optional = (test: (v: unknown) => boolean) => (v: unknown) => v === undefined || test(v);

/** Table 4 as the API sends it: never the remote password. */
function data(d: SocketData): Record<string, unknown> {
  return { data: socketDataToJson(redactSocketData(d)) };
}

function timerSpec(body: Record<string, unknown>): TimerSpec {
  field(body, "on", "true or false", isBoolean);
  field(body, "time", "a time such as 07:30", isString);
  field(body, "days", "a list of weekdays", optional((v) => Array.isArray(v) && v.every(isString)));
  field(body, "date", "a date such as 2026-12-31", optional(isString));
  field(body, "id", "a whole number", optional((v) => Number.isInteger(v)));
  return body as unknown as TimerSpec;
}

/** Endpoints by path after the target (`timers/:id` for one timer), then by method. */
export const SOCKET_ROUTES: ReadonlyMap<string, Readonly<Record<string, SocketHandler>>> = new Map<
  string,
  Record<string, SocketHandler>
>([
  ["state", { GET: async (s, _, o) => ({ on: await s.state(o) }) }],
  [
    "power",
    {
      POST: async (s, b, o) => ({
        on: await s.setPower(field(b, "on", "true or false", isBoolean), o),
      }),
    },
  ],
  ["toggle", { POST: async (s, _, o) => ({ on: await s.toggle(o) }) }],
  ["info", { GET: async (s, _, o) => data(await s.info(o)) }],
  [
    "rename",
    { POST: async (s, b, o) => data(await s.rename(field(b, "name", "text", isString), o)) },
  ],
  [
    "icon",
    {
      POST: async (s, b, o) =>
        data(
          await s.setIcon(
            field<number | IconName>(b, "icon", "a number or an icon name", (v) =>
              isNumber(v) || isString(v)),
            o,
          ),
        ),
    },
  ],
  [
    "timezone",
    {
      POST: async (s, b, o) => {
        const zone = field<string | number>(
          b,
          "zone",
          "an IANA zone or minutes east of UTC",
          (v) => isNumber(v) || isString(v),
        );
        const dst = field<boolean | undefined>(b, "dst", "true or false", optional(isBoolean));
        const atText = field<string | undefined>(b, "at", "an ISO 8601 time", optional(isString));
        const at = atText === undefined ? undefined : new Date(atText);
        if (at && Number.isNaN(at.getTime())) throw new TypeError("'at' must be an ISO 8601 time");
        return data(
          await s.setTimeZone(zone, {
            ...o,
            ...(dst !== undefined ? { dst } : {}),
            ...(at !== undefined ? { at } : {}),
          }),
        );
      },
    },
  ],
  ["lock", { POST: async (s, _, o) => data(await s.lock(o)) }],
  ["unlock", { POST: async (s, _, o) => data(await s.unlock(o)) }],
  [
    "remote-password",
    {
      POST: async (s, b, o) => {
        await s.setRemotePassword(field(b, "password", "text", isString), o);
        return {};
      },
    },
  ],
  [
    "autooff",
    {
      GET: async (s, _, o) => ({ seconds: await s.autoOff(o) }),
      POST: async (s, b, o) =>
        data(
          await s.setAutoOff(
            field(b, "seconds", "a number of seconds, or null to disable", (v) =>
              v === null || isNumber(v)),
            o,
          ),
        ),
    },
  ],
  ["clock", { GET: async (s, _, o) => ({ clock: clockToJson(await s.clock(o)) }) }],
  ["clock/sync", { POST: async (s, _, o) => ({ clock: clockToJson(await s.syncClock(o)) }) }],
  [
    "countdown",
    {
      GET: async (s, _, o) => ({ countdown: await s.countdown(o) }),
      POST: async (s, b, o) => {
        const seconds = field<number>(b, "seconds", "a number of seconds", isNumber);
        const action = field<"on" | "off" | undefined>(
          b,
          "action",
          '"on" or "off"',
          optional((v) => v === "on" || v === "off"),
        );
        return {
          countdown: await s.setCountdown(seconds, { ...o, ...(action ? { action } : {}) }),
        };
      },
      DELETE: async (s, _, o) => {
        await s.cancelCountdown(o);
        return { countdown: null };
      },
    },
  ],
  [
    "timers",
    {
      GET: async (s, _, o) => ({ timers: (await s.timers(o)).map(timerToJson) }),
      POST: async (s, b, o) => ({ timer: timerToJson(await s.addTimer(timerSpec(b), o)) }),
      DELETE: async (s, _, o) => ({ removed: await s.clearTimers(o) }),
    },
  ],
  [
    "timers/:id",
    {
      PUT: async (s, b, o, id) => ({
        timer: timerToJson(await s.putTimer(timerFromJson({ ...b, id }), o)),
      }),
      PATCH: async (s, b, o, id) => {
        const change = "label" in b ? timerFromJson({ ...b, id }) : timerSpec(b);
        return { timer: timerToJson(await s.updateTimer(id, change, o)) };
      },
      DELETE: async (s, _, o, id) => {
        await s.removeTimer(id, o);
        return { removed: id };
      },
    },
  ],
]);
