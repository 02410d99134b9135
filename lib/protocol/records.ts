import type { Mac } from "./mac.ts";

/**
 * One entry of table 1, the directory of tables and their change counters
 * (docs/protocol.md#table-1).
 *
 * @example
 * ```ts
 * import type { TableVersion } from "@s20/s20";
 *
 * const timers: TableVersion = { id: 3, table: 3, version: 2 };
 * ```
 */
export interface TableVersion {
  /** Record id; equals the table number in every dump. */
  readonly id: number;
  /** Table number (3 = timers, 4 = socket data). */
  readonly table: number;
  /** Change counter, bumped by every write to that table. */
  readonly version: number;
}

/**
 * A wall-clock time, as clocks in one zone show it: the fields a timer record, a planned timer
 * and a zone's clock all use. Which zone is the holder's to say (a socket's local time, a
 * schedule's zone).
 *
 * @example
 * ```ts
 * import type { WallTime } from "@s20/s20";
 *
 * const midsummerSunset: WallTime = {
 *   year: 2026, month: 6, day: 21, hour: 21, minute: 35, second: 12,
 * };
 * ```
 */
export interface WallTime {
  /** Year (for a weekly timer record, informational: the creation date). */
  readonly year: number;
  /** Month, 1–12. */
  readonly month: number;
  /** Day of the month, 1–31. */
  readonly day: number;
  /** Hour, 0–23. */
  readonly hour: number;
  /** Minute, 0–59. */
  readonly minute: number;
  /** Second, 0–59. */
  readonly second: number;
}

/**
 * One record of table 3, a timer that switches the relay at a local time of the socket
 * (docs/protocol.md#table-3). Weekly timers fire on the days in `days`; one-shot timers fire once
 * on the date given. The time is the socket's local time; for a weekly timer the date is
 * informational (the creation date).
 *
 * @example A weekly timer: on at 18:34:06 on Mondays and Wednesdays
 * ```ts
 * import { type TimerRecord, WEEKDAY_BITS } from "@s20/s20";
 *
 * const timer: TimerRecord = {
 *   id: 0x70fe, on: true, year: 2015, month: 10, day: 26, hour: 18, minute: 34, second: 6,
 *   weekly: true, days: WEEKDAY_BITS.mon | WEEKDAY_BITS.wed, label: new Uint8Array(16).fill(0x20),
 * };
 * ```
 */
export interface TimerRecord extends WallTime {
  /** Record id, u16, unique within the table; chosen by whoever writes the timer. */
  readonly id: number;
  /** The action at trigger time: switch on (`true`) or off. */
  readonly on: boolean;
  /** Repeat byte bit 7: repeats every week on `days`. */
  readonly weekly: boolean;
  /** Repeat byte bits 0–6: Monday (bit 0) to Sunday (bit 6). */
  readonly days: number;
  /** The 16 bytes after the id; the socket ignores them, apps store names or noise there. */
  readonly label: Uint8Array;
}

/**
 * Time-zone fields that the 190-byte table-4 layout (firmware 26) appends, written by the
 * newer app's `ts` command and the cloud's DST rule (docs/protocol.md#table-4, offsets 168–219).
 *
 * @example The tail of capture 1, frame 318
 * ```ts
 * import type { ZoneInfo } from "@s20/s20";
 *
 * const zone: ZoneInfo = {
 *   zoneIndex: 0xb5, dstRuleYear: 2015, standardOffset: 3600, dstOffset: 7200,
 *   dstStart: "2015-03-29T01:00:00Z", dstEnd: "2015-10-25T01:00:00Z",
 * };
 * ```
 */
export interface ZoneInfo {
  /** Orvibo's own zone number, 0 until set. */
  readonly zoneIndex: number;
  /** Year of the cached DST rule, 0 until known. */
  readonly dstRuleYear: number;
  /** Standard UTC offset in seconds. */
  readonly standardOffset: number;
  /** UTC offset during DST, in seconds. */
  readonly dstOffset: number;
  /** DST start (20 ASCII characters, `YYYY-MM-DDTHH:MM:SSZ`, or twenty `0`s when unknown). */
  readonly dstStart: string;
  /** DST end, same format. */
  readonly dstEnd: string;
}

/**
 * Table 4, the socket's configuration record, in either layout (138 or 190 bytes;
 * docs/protocol.md#table-4). `raw` is the record as read: {@linkcode encode} starts from it and
 * writes only the fields whose value differs from what `raw` holds, so a rename changes the
 * name bytes and nothing else.
 *
 * @example Rename a socket, keeping every other byte
 * ```ts
 * import { factorySocketData } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const data = factorySocketData("ac:cf:23:24:19:c0");
 * const renamed = { ...data, name: "Desk lamp" };
 * assert.equal(renamed.raw, data.raw); // still the original bytes until encoded
 * ```
 */
export interface SocketData {
  /** Record id (always 1). */
  readonly recordId: number;
  /** Bytes 32–33 of the reply, `43 25` in every dump; meaning unknown. */
  readonly versionId: number;
  /** The socket's MAC ("UID"). */
  readonly mac: Mac;
  /** Remote (cloud) password, at most 12 ASCII characters; factory `888888`. */
  readonly remotePassword: string;
  /** Name, at most 16 bytes; `null` when never set (16 × `ff`). */
  readonly name: string | null;
  /** Icon: 0 bulb, 1 fan, 2 thermostat, 3 switch, 4 US socket, 5 AU socket. */
  readonly icon: number;
  /** Hardware version. */
  readonly hardwareVersion: number;
  /** Firmware version (10 and 26 seen). */
  readonly firmwareVersion: number;
  /** Wi-Fi module firmware version. */
  readonly wifiFirmwareVersion: number;
  /** Cloud server port. */
  readonly serverPort: number;
  /** Cloud server IPv4 address, dotted. */
  readonly serverIp: string;
  /** Cloud domain port. */
  readonly domainPort: number;
  /** Cloud domain name. */
  readonly domain: string;
  /** Static IPv4 address (unused while DHCP is on). */
  readonly staticIp: string;
  /** Static gateway. */
  readonly gateway: string;
  /** Static netmask. */
  readonly netmask: string;
  /**
   * Byte 160 bit 0 clear: one hour of DST is added to the zone (orvfms reading,
   * docs/protocol.md#table-4).
   */
  readonly dst: boolean;
  /** Byte 160 bit 1 set: the zone is half an hour further from UTC in the sign's direction. */
  readonly halfHour: boolean;
  /** Byte 161: answers global discovery; `false` is the app's "lock". */
  readonly discoverable: boolean;
  /** Time zone, whole hours from UTC (int8; factory +8). */
  readonly timeZone: number;
  /** Auto-off after switch-on is enabled. */
  readonly autoOffEnabled: boolean;
  /** Auto-off delay in seconds (u16). */
  readonly autoOffSeconds: number;
  /** The 190-byte layout's zone tail, or `null` for the 138-byte layout. */
  readonly zoneInfo: ZoneInfo | null;
  /** The record bytes this value was read from (or built on); unmodelled bytes come from here. */
  readonly raw: Uint8Array;
}

/**
 * What a countdown does when it reaches zero, or `none` when no countdown runs
 * (action byte `00`, `01`, `ff`; docs/protocol.md#countdown).
 *
 * @example
 * ```ts
 * import type { CountdownAction } from "@s20/s20";
 *
 * const action: CountdownAction = "off";
 * ```
 */
export type CountdownAction = "off" | "on" | "none";

/**
 * Repeat-byte bits of a weekly timer, Monday = bit 0 … Sunday = bit 6 (orvfms;
 * docs/protocol.md#table-3, #disagreements item 3).
 *
 * @example Weekdays
 * ```ts
 * import { WEEKDAY_BITS } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const weekdays = WEEKDAY_BITS.mon | WEEKDAY_BITS.tue | WEEKDAY_BITS.wed | WEEKDAY_BITS.thu |
 *   WEEKDAY_BITS.fri;
 * assert.equal(weekdays, 0b0011111);
 * ```
 */
export const WEEKDAY_BITS = {
  mon: 1 << 0,
  tue: 1 << 1,
  wed: 1 << 2,
  thu: 1 << 3,
  fri: 1 << 4,
  sat: 1 << 5,
  sun: 1 << 6,
} as const;
