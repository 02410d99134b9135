/**
 * The socket's local time comes from table 4's zone bytes only, never from the host's zone:
 * byte 163 whole hours, byte 160 half-hour and DST bits (orvfms reading, docs/protocol.md#table-4).
 */
import type { SocketData } from "../protocol/records.ts";
import { zoneOffsetMinutes } from "../protocol/zone.ts";

/** Offset of the socket's local time from UTC in ms, per table 4. */
export function zoneOffsetMs(data: SocketData): number {
  return zoneOffsetMinutes(data) * 60_000;
}
