/** {@linkcode Message} → datagram. Values are checked; bad ones throw `RangeError`/`TypeError`. */
import { Mac } from "./mac.ts";
import { putPaddedText, putU16be, putU16le, putU32le, textBytes } from "./bytes.ts";
import {
  COMMANDS,
  COUNTDOWN_ACTION,
  DISCOVERY_MAC_OFFSET,
  HEADER_LENGTH,
  MAC_OFFSET,
  MAGIC_0,
  MAGIC_1,
  PACKET_SIZE,
  PADDING_BYTE,
  RECORD_LENGTH,
  SESSION_OFFSET,
  TABLE,
  TABLE_OPERATION,
  TABLE_REPLY_MARKER,
} from "./constants.ts";
import type { Message, MessageOf } from "./messages.ts";
import type { CountdownAction } from "./records.ts";
import { checkTimerRecord, writeTimerRecord } from "./timer_record.ts";
import { writeSocketData } from "./socket_data.ts";
import { checkInteger } from "../util/range.ts";

const U32_MAX = 0xffffffff;

function checkInt(kind: string, field: string, value: number, min: number, max: number): void {
  checkInteger(`encode "${kind}"`, field, value, min, max);
}

function frame(command: string, length: number): Uint8Array {
  const b = new Uint8Array(length);
  b[0] = MAGIC_0;
  b[1] = MAGIC_1;
  putU16be(b, 2, length);
  b[4] = command.charCodeAt(0);
  b[5] = command.charCodeAt(1);
  return b;
}

/** Writes the MAC and its six-space padding at `offset` (6 in addressed packets). */
function putMac(b: Uint8Array, mac: Mac, offset = MAC_OFFSET, reversed = false): void {
  Mac.write(Mac.parse(mac), b, offset, reversed);
  b.fill(PADDING_BYTE, offset + 6, offset + 12);
}

function addressed(
  command: string,
  length: number,
  message: { kind: string; mac: Mac; session?: number },
): Uint8Array {
  const b = frame(command, length);
  putMac(b, message.mac);
  if (message.session !== undefined && length >= SESSION_OFFSET + 4) {
    checkInt(message.kind, "session", message.session, 0, U32_MAX);
    putU32le(b, SESSION_OFFSET, message.session);
  }
  return b;
}

function ack(command: string, message: { kind: string; mac: Mac; session: number }): Uint8Array {
  return addressed(command, PACKET_SIZE.short, message);
}

function putText(
  kind: string,
  field: string,
  b: Uint8Array,
  o: number,
  size: number,
  text: string,
) {
  if (textBytes(text).length > size) {
    throw new RangeError(
      `Cannot encode "${kind}": '${field}' must be at most ${size} bytes: current value is "${text}"`,
    );
  }
  putPaddedText(b, o, size, text, PADDING_BYTE);
}

function putAscii(
  kind: string,
  field: string,
  b: Uint8Array,
  o: number,
  size: number,
  text: string,
) {
  if (text.length !== size || !/^[\x20-\x7e]*$/.test(text)) {
    throw new RangeError(
      `Cannot encode "${kind}": '${field}' must be ${size} printable ASCII characters: current value is "${text}"`,
    );
  }
  for (let i = 0; i < size; i++) b[o + i] = text.charCodeAt(i);
}

function discoverReply(m: MessageOf<"discoverReply">): Uint8Array {
  const size = m.on === null ? PACKET_SIZE.discoverReplyNoState : PACKET_SIZE.discoverReply;
  const b = frame(m.command, size);
  b[6] = 0; // the extra byte after the command id (docs/protocol.md#body-elements)
  putMac(b, m.mac, DISCOVERY_MAC_OFFSET);
  putMac(b, m.mac, DISCOVERY_MAC_OFFSET + 12, true);
  putAscii(m.kind, "model", b, 31, 6, m.model);
  checkInt(m.kind, "clock", m.clock, 0, U32_MAX);
  putU32le(b, 37, m.clock);
  if (m.on !== null) b[41] = m.on ? 1 : 0;
  return b;
}

function subscribe(m: MessageOf<"subscribe">): Uint8Array {
  if (m.session === undefined) {
    const b = addressed("cl", PACKET_SIZE.subscribe, m);
    putMac(b, m.mac, 18, true);
    return b;
  }
  const b = addressed("cl", PACKET_SIZE.subscribeCloud, m);
  putMac(b, m.mac, 22, true);
  return b;
}

function tableReply(
  m: { kind: string; mac: Mac; session: number },
  table: number,
  records: readonly Uint8Array[],
): Uint8Array {
  let size = PACKET_SIZE.tableReplyHeader;
  for (const r of records) size += 2 + r.length;
  const b = addressed("rt", size, m);
  b[23] = table;
  b.set(TABLE_REPLY_MARKER, 24);
  let o = PACKET_SIZE.tableReplyHeader;
  for (const r of records) {
    putU16le(b, o, r.length);
    b.set(r, o + 2);
    o += 2 + r.length;
  }
  return b;
}

function tableWrite(
  m: { kind: string; mac: Mac; session: number },
  table: number,
  operation: "add" | "modify",
  record: Uint8Array,
): Uint8Array {
  checkInt(m.kind, "table", table, 0, 255);
  if (record.length > 0xffff - PACKET_SIZE.tableWriteHeader - 2) {
    throw new RangeError(`Cannot encode "${m.kind}": the record is ${record.length} bytes long`);
  }
  const b = addressed("tm", PACKET_SIZE.tableWriteHeader + 2 + record.length, m);
  b[22] = table;
  b[24] = TABLE_OPERATION[operation];
  putU16le(b, 25, record.length);
  b.set(record, 27);
  return b;
}

function timerBytes(timer: MessageOf<"writeTimer">["timer"]): Uint8Array {
  checkTimerRecord(timer);
  const record = new Uint8Array(RECORD_LENGTH.timer);
  writeTimerRecord(timer, record, 0);
  return record;
}

function countdownByte(kind: string, action: CountdownAction): number {
  const byte = COUNTDOWN_ACTION[action];
  if (byte === undefined) {
    throw new RangeError(
      `Cannot encode "${kind}": 'action' must be "off", "on" or "none": current value is "${action}"`,
    );
  }
  return byte;
}

function countdown(m: MessageOf<"countdown"> | MessageOf<"countdownReply">): Uint8Array {
  const b = addressed("cd", PACKET_SIZE.countdown, m);
  b[22] = m.kind === "countdown" && m.mode === "read" ? 1 : 0;
  b[23] = countdownByte(m.kind, m.action);
  checkInt(m.kind, "seconds", m.seconds, 0, 0xffff);
  putU16le(b, 24, m.seconds);
  return b;
}

function checkOffset(kind: string, field: string, value: number): void {
  checkInt(kind, field, value, -(2 ** 31), 2 ** 31 - 1);
}

/**
 * Encodes a {@linkcode Message} into a datagram. `decode(encode(m))` gives back `m` for every
 * valid message (with the `from` option for `dc` and `cd` requests).
 *
 * @example Switch a socket on
 * ```ts
 * import { encode, Mac, toHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const bytes = encode({ kind: "setPower", mac: Mac.parse("accf232419c0"), session: 0, on: true });
 * assert.equal(toHex(bytes, " "), "68 64 00 17 64 63 ac cf 23 24 19 c0 20 20 20 20 20 20 00 00 00 00 01");
 * ```
 *
 * @param message The message.
 * @returns A new datagram.
 * @throws {RangeError} If a field is out of range (a session above 2³²−1, a name over 16 bytes).
 * @throws {TypeError} If a MAC address cannot be parsed.
 */
export function encode(message: Message): Uint8Array {
  const m = message;
  switch (m.kind) {
    case "discover": {
      if (m.mac === undefined) return frame("qa", PACKET_SIZE.discover);
      const b = frame("qa", PACKET_SIZE.discoverWithMac);
      putMac(b, m.mac);
      return b;
    }
    case "discoverMac": {
      const b = frame("qg", PACKET_SIZE.discoverMac);
      putMac(b, m.mac);
      return b;
    }
    case "discoverReply":
      return discoverReply(m);
    case "subscribe":
      return subscribe(m);
    case "subscribeReply": {
      const b = addressed("cl", PACKET_SIZE.subscribeReply, m);
      b[23] = m.on ? 1 : 0;
      return b;
    }
    case "setPower": {
      const b = addressed("dc", PACKET_SIZE.short, m);
      b[22] = m.on ? 1 : 0;
      return b;
    }
    case "setPowerReply":
      return ack("dc", m);
    case "stateReport": {
      const b = addressed("sf", PACKET_SIZE.short, m);
      b[22] = m.on ? 1 : 0;
      return b;
    }
    case "heartbeat":
      return addressed("hb", PACKET_SIZE.heartbeat, m);
    case "heartbeatReply":
      return ack("hb", m);
    case "readTable": {
      const b = addressed("rt", PACKET_SIZE.readTable, m);
      checkInt(m.kind, "table", m.table, 0, 255);
      checkInt(m.kind, "version", m.version, 0, 255);
      b[22] = m.table;
      b[24] = m.version;
      return b;
    }
    case "tableVersions":
      return tableReply(
        m,
        TABLE.versions,
        m.versions.map((v) => {
          const r = new Uint8Array(RECORD_LENGTH.version);
          checkInt(m.kind, "id", v.id, 0, 0xffff);
          checkInt(m.kind, "table", v.table, 0, 0xffff);
          checkInt(m.kind, "version", v.version, 0, 0xffff);
          putU16le(r, 0, v.id);
          putU16le(r, 2, v.table);
          putU16le(r, 4, v.version);
          return r;
        }),
      );
    case "timerTable":
      return tableReply(m, TABLE.timers, m.timers.map((t) => timerBytes(t)));
    case "socketData":
      return tableReply(m, TABLE.socketData, [writeSocketData(m.data)]);
    case "rawTable":
      checkInt(m.kind, "table", m.table, 0, 255);
      return tableReply(m, m.table, m.records);
    case "writeTimer":
      return tableWrite(m, TABLE.timers, m.operation, timerBytes(m.timer));
    case "writeSocketData":
      return tableWrite(m, TABLE.socketData, m.operation, writeSocketData(m.data));
    case "writeRawRecord":
      return tableWrite(m, m.table, m.operation, m.record);
    case "deleteRecord": {
      const b = addressed("tm", PACKET_SIZE.deleteRecord, m);
      checkInt(m.kind, "table", m.table, 0, 255);
      checkInt(m.kind, "id", m.id, 0, 0xffff);
      b[22] = m.table;
      b[24] = TABLE_OPERATION.delete;
      putU16le(b, 25, m.id);
      return b;
    }
    case "writeTableReply":
      return ack("tm", m);
    case "setClock": {
      const b = addressed("cs", PACKET_SIZE.setClock, m);
      checkInt(m.kind, "clock", m.clock, 0, U32_MAX);
      putU32le(b, 22, m.clock);
      return b;
    }
    case "setClockReply":
      return ack("cs", m);
    case "countdown":
    case "countdownReply":
      return countdown(m);
    case "setTimeZone": {
      const b = addressed("ts", PACKET_SIZE.setTimeZone, m);
      checkInt(m.kind, "zoneIndex", m.zoneIndex, 0, 0xffff);
      checkOffset(m.kind, "standardOffset", m.standardOffset);
      checkOffset(m.kind, "dstOffset", m.dstOffset);
      putU16le(b, 22, m.zoneIndex);
      putU32le(b, 26, m.standardOffset);
      putU32le(b, 30, m.dstOffset);
      return b;
    }
    case "setTimeZoneReply":
      return ack("ts", m);
    case "changePassword": {
      const b = addressed("mp", PACKET_SIZE.changePassword, m);
      putText(m.kind, "oldPassword", b, 22, 12, m.oldPassword);
      putText(m.kind, "newPassword", b, 34, 12, m.newPassword);
      return b;
    }
    case "changePasswordCloudReply": {
      const b = addressed("mp", PACKET_SIZE.changePasswordCloudReply, m);
      putText(m.kind, "newPassword", b, 23, 12, m.newPassword);
      return b;
    }
    case "changePasswordReply":
      return ack("mp", m);
    case "logout":
      return addressed("lt", PACKET_SIZE.logout, m);
    case "cloudLogin": {
      const b = addressed("dl", PACKET_SIZE.cloudLogin, m);
      putMac(b, m.mac, 22, true);
      return b;
    }
    case "cloudLoginReply":
      return ack("dl", m);
    case "dstRuleRequest": {
      const b = addressed("gt", PACKET_SIZE.dstRuleRequest, m);
      checkInt(m.kind, "zoneIndex", m.zoneIndex, 0, 0xffff);
      putU16le(b, 22, m.zoneIndex);
      return b;
    }
    case "dstRuleReply": {
      const b = addressed("gt", PACKET_SIZE.dstRuleReply, m);
      checkInt(m.kind, "year", m.year, 0, 0xffff);
      checkOffset(m.kind, "standardOffset", m.standardOffset);
      checkOffset(m.kind, "dstOffset", m.dstOffset);
      putU16le(b, 23, m.year);
      putU32le(b, 25, m.standardOffset);
      putU32le(b, 29, m.dstOffset);
      putAscii(m.kind, "dstStart", b, 33, 20, m.dstStart);
      putAscii(m.kind, "dstEnd", b, 53, 20, m.dstEnd);
      return b;
    }
    case "unknown": {
      if (m.command.length !== 2 || [...m.command].some((c) => c.charCodeAt(0) > 0xff)) {
        throw new RangeError(
          `Cannot encode "unknown": 'command' must be two Latin-1 characters: current value is "${m.command}"`,
        );
      }
      if (Object.hasOwn(COMMANDS, m.command)) {
        throw new RangeError(
          `Cannot encode "unknown": "${m.command}" is a known command: use its own message kind`,
        );
      }
      if (HEADER_LENGTH + m.body.length > 0xffff) {
        throw new RangeError(`Cannot encode "unknown": the body is ${m.body.length} bytes long`);
      }
      const b = frame(m.command, HEADER_LENGTH + m.body.length);
      b.set(m.body, HEADER_LENGTH);
      return b;
    }
  }
}
