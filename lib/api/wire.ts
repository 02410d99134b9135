/**
 * The API's JSON forms of the client's values, both ways: bytes as hex, instants as ISO 8601
 * strings (errors have their own module, `../error_json.ts`). The daemon encodes, the
 * `DaemonClient` decodes into the very types a direct client returns.
 */
import type { SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type { ClockReading, Countdown, DiscoveredSocket } from "../client/types.ts";
import { daemonProtocolError as protocolError } from "../error_json.ts";
import { fromHex, toHex } from "../protocol/hex.ts";
import type { Mac } from "../protocol/mac.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";

/** What the daemon's handle on a socket knows; sent with every answer about that socket. */
export interface SocketMeta {
  readonly mac: string | null;
  readonly ip: string | null;
  readonly port: number | null;
  readonly online: boolean | null;
  readonly lastKnownState: boolean | null;
}

/** The handle's knowledge, as JSON. */
export function socketMeta(socket: SocketController): SocketMeta {
  return {
    mac: socket.mac,
    ip: socket.address?.hostname ?? null,
    port: socket.address?.port ?? null,
    online: socket.online,
    lastKnownState: socket.lastKnownState,
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw protocolError(what);
  }
  return value as Record<string, unknown>;
}

function date(value: unknown, what: string): Date {
  const d = typeof value === "string" ? new Date(value) : null;
  if (d === null || Number.isNaN(d.getTime())) throw protocolError(what);
  return d;
}

function dateOrNull(value: unknown, what: string): Date | null {
  return value === null ? null : date(value, what);
}

function bytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw protocolError(what);
  try {
    return fromHex(value);
  } catch {
    throw protocolError(what);
  }
}

/** Table 4 as JSON (already redacted by the daemon). */
export function socketDataToJson(data: SocketData): Record<string, unknown> {
  return { ...data, raw: toHex(data.raw) };
}

/** Table 4 from JSON. */
export function socketDataFromJson(value: unknown): SocketData {
  const json = object(value, "socket data");
  return { ...json, raw: bytes(json.raw, "socket data") } as unknown as SocketData;
}

/** A timer record as JSON (the label as hex). */
export function timerToJson(timer: TimerRecord): Record<string, unknown> {
  return { ...timer, label: toHex(timer.label) };
}

const TIMER_NUMBERS = ["id", "year", "month", "day", "hour", "minute", "second", "days"] as const;

/**
 * A timer record from JSON: the daemon's answers, and request bodies (`PUT …/timers/{id}`).
 *
 * @throws {TypeError} If a field is missing or of the wrong type.
 */
export function timerFromJson(value: unknown): TimerRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError("Cannot read a timer record: expected an object");
  }
  const json = value as Record<string, unknown>;
  for (const key of TIMER_NUMBERS) {
    if (!Number.isInteger(json[key])) {
      throw new TypeError(`Cannot read a timer record: '${key}' must be an integer`);
    }
  }
  for (const key of ["on", "weekly"] as const) {
    if (typeof json[key] !== "boolean") {
      throw new TypeError(`Cannot read a timer record: '${key}' must be true or false`);
    }
  }
  let label: Uint8Array;
  try {
    label = typeof json.label === "string" ? fromHex(json.label) : new Uint8Array();
  } catch {
    label = new Uint8Array();
  }
  if (label.length !== 16) {
    throw new TypeError("Cannot read a timer record: 'label' must be 16 bytes as hex");
  }
  const n = (key: typeof TIMER_NUMBERS[number]) => json[key] as number;
  return {
    id: n("id"),
    on: json.on as boolean,
    year: n("year"),
    month: n("month"),
    day: n("day"),
    hour: n("hour"),
    minute: n("minute"),
    second: n("second"),
    weekly: json.weekly as boolean,
    days: n("days"),
    label,
  };
}

/** A clock reading as JSON. */
export function clockToJson(reading: ClockReading): Record<string, unknown> {
  return { ...reading, time: reading.time?.toISOString() ?? null };
}

/** A clock reading from JSON. */
export function clockFromJson(value: unknown): ClockReading {
  const json = object(value, "clock reading");
  return { ...json, time: dateOrNull(json.time, "clock reading") } as unknown as ClockReading;
}

/** A countdown (or none) from JSON. */
export function countdownFromJson(value: unknown): Countdown | null {
  if (value === null) return null;
  const json = object(value, "countdown");
  if ((json.action !== "on" && json.action !== "off") || typeof json.seconds !== "number") {
    throw protocolError("countdown");
  }
  return { action: json.action, seconds: json.seconds };
}

/** A discovery answer as JSON. */
export function discoveredToJson(socket: DiscoveredSocket): Record<string, unknown> {
  return { ...socket, clock: socket.clock?.toISOString() ?? null };
}

/** A discovery answer from JSON. */
export function discoveredFromJson(value: unknown): DiscoveredSocket {
  const json = object(value, "discovery answer");
  if (typeof json.mac !== "string" || typeof json.ip !== "string") {
    throw protocolError("discovery answer");
  }
  return {
    ...json,
    clock: dateOrNull(json.clock, "discovery answer"),
  } as unknown as DiscoveredSocket;
}

/** A live event as JSON. */
export function eventToJson(event: S20Event): Record<string, unknown> {
  const json: Record<string, unknown> = { ...event, at: event.at.toISOString() };
  if (event.type === "announce") json.clock = event.clock?.toISOString() ?? null;
  return json;
}

/** A live event from JSON. */
export function eventFromJson(value: unknown): S20Event {
  const json = object(value, "event");
  if (typeof json.type !== "string" || typeof json.mac !== "string") throw protocolError("event");
  const event: Record<string, unknown> = {
    ...json,
    mac: json.mac as Mac,
    at: date(json.at, "event"),
  };
  if (json.type === "announce") event.clock = dateOrNull(json.clock, "event");
  return event as unknown as S20Event;
}
