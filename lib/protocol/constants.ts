/**
 * Wire constants of the S20 LAN protocol. Source for every value: docs/protocol.md (#framing,
 * #body-elements, #commands, #tables), which cites the captures and the
 * implementations each comes from.
 */

/**
 * UDP port a socket listens on, sends from and (it is believed) replies to
 * (docs/protocol.md#transport).
 */
export const S20_PORT = 10000;

/** First two bytes of every packet: ASCII "hd" (docs/protocol.md#framing). */
export const MAGIC_0 = 0x68;
/** Second magic byte. */
export const MAGIC_1 = 0x64;
/**
 * Magic, u16 length (big-endian, whole datagram) and a two-letter command
 * (docs/protocol.md#framing).
 */
export const HEADER_LENGTH = 6;
/** Offset of the MAC in addressed packets. */
export const MAC_OFFSET = 6;
/**
 * Offset of the MAC in `qa`/`qg` replies, after the extra `00` (docs/protocol.md#body-elements).
 */
export const DISCOVERY_MAC_OFFSET = 7;
/** Six `0x20` bytes follow every MAC (docs/protocol.md#body-elements). */
export const PADDING_BYTE = 0x20;
/**
 * Offset of the 4-byte session/slot field in most addressed packets
 * (docs/protocol.md#body-elements, #reply-session-field).
 */
export const SESSION_OFFSET = 18;

/** Command ids and what they do (docs/protocol.md#commands). */
export const COMMANDS = {
  qa: "global discovery",
  qg: "discovery of one MAC",
  cl: "subscribe",
  dc: "switch the relay",
  sf: "state report",
  hb: "keep-alive",
  rt: "read a table",
  tm: "modify a table",
  cs: "set the clock",
  cd: "countdown",
  ts: "set the time zone",
  mp: "change the remote password",
  lt: "logout",
  dl: "cloud login",
  gt: "DST rule",
} as const;

/** A command id this codec knows. */
export type Command = keyof typeof COMMANDS;

/** Datagram sizes, in bytes, of the fixed-size packet forms (docs/protocol.md#commands). */
export const PACKET_SIZE = {
  discover: 6,
  discoverWithMac: 18,
  discoverMac: 18,
  discoverReply: 42,
  /**
   * AllOne IR blasters answer `qa` without the state byte (docs/protocol.md#discovery,
   * homebridge:5).
   */
  discoverReplyNoState: 41,
  subscribe: 30,
  subscribeCloud: 34,
  subscribeReply: 24,
  /** dc, sf, and the acknowledgements of hb/tm/cs/ts/mp/dl: header, MAC, pad, session, 1 byte. */
  short: 23,
  heartbeat: 22,
  readTable: 29,
  tableReplyHeader: 28,
  tableWriteHeader: 25,
  deleteRecord: 27,
  setClock: 26,
  countdown: 26,
  setTimeZone: 34,
  changePassword: 46,
  changePasswordCloudReply: 35,
  logout: 18,
  cloudLogin: 34,
  dstRuleRequest: 24,
  dstRuleReply: 73,
} as const;

/** Table numbers (docs/protocol.md#tables). */
export const TABLE = { versions: 1, timers: 3, socketData: 4 } as const;

/** `tm` operation byte at offset 24 (docs/protocol.md#writing-tables). */
export const TABLE_OPERATION = { add: 0, modify: 1, delete: 2 } as const;

/** Record lengths (without the u16 length prefix) of the known tables (docs/protocol.md#tables). */
export const RECORD_LENGTH = {
  version: 6,
  timer: 28,
  /** Table 4 as firmware 10 sends it (168-byte reply). */
  socketDataShort: 138,
  /** Table 4 as firmware 26 sends it (220-byte reply). */
  socketDataLong: 190,
} as const;

/**
 * Bytes 24–27 of every `rt` reply: `00 01 00 00`, meaning unknown (docs/protocol.md#reading-tables,
 * #disagreements item 10).
 */
export const TABLE_REPLY_MARKER: readonly number[] = [0x00, 0x01, 0x00, 0x00];

/** Countdown action byte (docs/protocol.md#countdown). */
export const COUNTDOWN_ACTION = { off: 0x00, on: 0x01, none: 0xff } as const;

/** Repeat byte bit 7: the timer repeats weekly (docs/protocol.md#table-3). */
export const WEEKLY_BIT = 0x80;
/** Repeat byte bits 0–6: the weekdays. */
export const DAYS_MASK = 0x7f;
