/**
 * What the bridge reads from and writes to MQTT: a strict parse of `/set` payloads (anything it
 * does not fully understand switches nothing), and the retained state of a socket.
 */

/** The largest `/set` payload read; a bigger one is refused unread. */
export const MAX_COMMAND_BYTES = 1024;

/** What a `/set` payload asks for; at least one field is present. */
export interface SetCommand {
  /** Switch on, off, or to the other state. */
  readonly state?: "ON" | "OFF" | "TOGGLE";
  /** Start a one-off countdown (1–65535 s) that switches to `action` (default: off). */
  readonly countdown?: { readonly seconds: number; readonly action: "on" | "off" } | null;
  /** Auto-off after every switch-on, in seconds (1–65535), or `null` to disable it. */
  readonly autoOff?: number | null;
}

/** The outcome of {@linkcode parseSetPayload}: a command, or why there is none. */
export type SetParse =
  | { readonly ok: true; readonly command: SetCommand }
  | { readonly ok: false; readonly problem: string };

const STATES = new Set(["ON", "OFF", "TOGGLE"]);
const KEYS = new Set(["state", "countdown", "auto_off"]);

function seconds(value: unknown, key: string): number | string {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 0xffff) {
    return `'${key}' must be a whole number of seconds, 1–65535`;
  }
  return value;
}

function stateOf(value: unknown): SetCommand["state"] | null {
  if (typeof value !== "string") return null;
  const upper = value.toUpperCase();
  return STATES.has(upper) ? upper as SetCommand["state"] : null;
}

/**
 * Reads a `/set` payload: `ON`, `OFF`, `TOGGLE` (any case), or a JSON object with `state`,
 * `countdown` (seconds, or `{ "seconds": N, "action": "on"|"off" }`, or `null` to cancel) and
 * `auto_off` (seconds, or `0`/`null` to disable). Unknown keys, wrong types, values out of range
 * and payloads over {@linkcode MAX_COMMAND_BYTES} are refused whole.
 *
 * @example
 * ```ts
 * import { parseSetPayload } from "@s20/s20/mqtt";
 *
 * parseSetPayload(new TextEncoder().encode("ON")); // { ok: true, command: { state: "ON" } }
 * parseSetPayload(new TextEncoder().encode('{"state":"maybe"}')).ok; // false
 * ```
 *
 * @param payload The message's bytes.
 * @returns The command, or the problem to log.
 */
export function parseSetPayload(payload: Uint8Array): SetParse {
  if (payload.length > MAX_COMMAND_BYTES) {
    return {
      ok: false,
      problem: `payload of ${payload.length} bytes (at most ${MAX_COMMAND_BYTES})`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(payload).trim();
  } catch {
    return { ok: false, problem: "payload is not UTF-8 text" };
  }
  const word = stateOf(text);
  if (word) return { ok: true, command: { state: word } };
  if (!text.startsWith("{")) {
    return { ok: false, problem: `expected ON, OFF, TOGGLE or a JSON object, got ${quote(text)}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: "payload is not valid JSON" };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problem: "expected a JSON object" };
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !KEYS.has(key));
  if (unknown !== undefined) {
    return { ok: false, problem: `unknown key ${quote(unknown)} (use state, countdown, auto_off)` };
  }
  const command: { -readonly [K in keyof SetCommand]: SetCommand[K] } = {};
  if ("state" in record) {
    const state = stateOf(record.state);
    if (!state) return { ok: false, problem: "'state' must be ON, OFF or TOGGLE" };
    command.state = state;
  }
  if ("countdown" in record) {
    const countdown = countdownOf(record.countdown);
    if (typeof countdown === "string") return { ok: false, problem: countdown };
    command.countdown = countdown;
  }
  if ("auto_off" in record) {
    if (record.auto_off === null || record.auto_off === 0) command.autoOff = null;
    else {
      const value = seconds(record.auto_off, "auto_off");
      if (typeof value === "string") {
        return { ok: false, problem: `${value}, or 0/null to disable` };
      }
      command.autoOff = value;
    }
  }
  if (Object.keys(command).length === 0) {
    return { ok: false, problem: "the object asks for nothing (use state, countdown, auto_off)" };
  }
  return { ok: true, command };
}

function countdownOf(value: unknown): NonNullable<SetCommand["countdown"]> | null | string {
  if (value === null) return null;
  if (typeof value === "number") {
    const s = seconds(value, "countdown");
    return typeof s === "string" ? s : { seconds: s, action: "off" };
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return "'countdown' must be seconds, { seconds, action } or null";
  }
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).find((key) => key !== "seconds" && key !== "action");
  if (extra !== undefined) return `unknown key ${quote(`countdown.${extra}`)}`;
  const s = seconds(record.seconds, "countdown.seconds");
  if (typeof s === "string") return s;
  const action = record.action ?? "off";
  if (action !== "on" && action !== "off") return "'countdown.action' must be 'on' or 'off'";
  return { seconds: s, action };
}

/** A value quoted for a log line, cut to 40 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** What the bridge knows of one socket, published retained at `<base>/<name>`. */
export interface SocketStatePayload {
  /** `ON`, `OFF`, or `null` before the first reading. */
  readonly state: "ON" | "OFF" | null;
  /** The name stored in the socket (table 4), or `null` before it was read. */
  readonly name: string | null;
  /** `ac:cf:23:24:19:c0`. */
  readonly mac: string;
  /** Its IPv4 address, once known. */
  readonly ip: string | null;
  /** When it last answered or announced itself (ISO 8601, UTC). */
  readonly "last_seen": string | null;
  /** Its clock minus ours in seconds (one decimal), or `null` when unset or unread. */
  readonly "clock_skew_s": number | null;
  /** The next event of the running schedule for it (ISO 8601), `null`, or absent without one. */
  readonly "next_event"?: string | null;
  /** What that event does: `on` or `off`. */
  readonly "next_action"?: "on" | "off" | null;
}

/** The payload of an `/event` message; Home Assistant's event entity reads `event_type`. */
export interface SocketEventPayload {
  /** `press`: the relay changed without a command through this daemon; `reboot`. */
  readonly "event_type": "press" | "reboot";
  /** The relay after a press. */
  readonly state?: "ON" | "OFF";
  /** Why a reboot was concluded. */
  readonly reason?: string;
  /** When (ISO 8601, UTC). */
  readonly at: string;
}
