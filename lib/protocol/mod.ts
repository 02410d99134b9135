/**
 * The S20 protocol codec: pure functions from bytes to typed messages and back, with the
 * value types they use. No I/O, no clock.
 *
 * @module
 */
export { decode, type DecodeOptions } from "./decode.ts";
export { encode } from "./encode.ts";
export { DecodeError } from "./decode_error.ts";
export type { Message, MessageKind, MessageOf } from "./messages.ts";
export {
  type CountdownAction,
  type SocketData,
  type TableVersion,
  type TimerRecord,
  type WallTime,
  WEEKDAY_BITS,
  type ZoneInfo,
} from "./records.ts";
export { factorySocketData } from "./socket_data.ts";
export { Mac } from "./mac.ts";
export { dateToDeviceTime, deviceTimeToDate, NTP_UNIX_OFFSET_SECONDS } from "./device_time.ts";
export { fromHex, toHex } from "./hex.ts";
export { type Command, COMMANDS, S20_PORT } from "./constants.ts";
export { formatOffset, type ZoneFields, zoneFieldsFor, zoneOffsetMinutes } from "./zone.ts";
