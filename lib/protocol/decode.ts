/**
 * Datagram → {@linkcode Message}. Every datagram from the LAN is untrusted: the frame is
 * checked (magic, declared length = datagram length), then each command's form by its exact
 * size, and variable tables record by record. Any failure is a {@linkcode DecodeError}.
 */
import { DecodeError } from "./decode_error.ts";
import { Mac } from "./mac.ts";
import { latin1, paddedText, s32le, u16be, u16le, u32le } from "./bytes.ts";
import {
  COUNTDOWN_ACTION,
  DISCOVERY_MAC_OFFSET,
  HEADER_LENGTH,
  MAC_OFFSET,
  MAGIC_0,
  MAGIC_1,
  PACKET_SIZE,
  RECORD_LENGTH,
  SESSION_OFFSET,
  TABLE,
  TABLE_OPERATION,
} from "./constants.ts";
import type { Message } from "./messages.ts";
import type { CountdownAction, TableVersion, TimerRecord } from "./records.ts";
import { readTimerRecord } from "./timer_record.ts";
import { readSocketData } from "./socket_data.ts";

/**
 * Options for {@linkcode decode}.
 *
 * @example
 * ```ts
 * import type { DecodeOptions } from "@s20/s20";
 *
 * const asEmulator: DecodeOptions = { from: "client" };
 * ```
 */
export interface DecodeOptions {
  /**
   * Who sent the datagram. Only two shapes need it: a 23-byte `dc` is a switch request from a
   * client but an acknowledgement from a socket, and a 26-byte `cd` is a request or a reply.
   * Every other packet is told apart by its size.
   *
   * @default {"device"}
   */
  readonly from?: "device" | "client";
}

type Decoder = (b: Uint8Array, from: "device" | "client") => Message;

const MODEL_OFFSET = 31;
const MODEL_LENGTH = 6;
const CLOCK_OFFSET = 37;
const STATE_OFFSET_DISCOVERY = 41;

function sizeError(command: string, b: Uint8Array, expected: readonly number[]): DecodeError {
  const list = expected.length === 1
    ? `${expected[0]}`
    : `${expected.slice(0, -1).join(", ")} or ${expected.at(-1)}`;
  return new DecodeError(
    `a "${command}" packet must be ${list} bytes long, got ${b.length}`,
    HEADER_LENGTH,
    b,
  );
}

function mac(b: Uint8Array): Mac {
  return Mac.fromBytes(b, MAC_OFFSET);
}

function session(b: Uint8Array): number {
  return u32le(b, SESSION_OFFSET);
}

function discoverReply(b: Uint8Array, command: "qa" | "qg"): Message {
  return {
    kind: "discoverReply",
    command,
    mac: Mac.fromBytes(b, DISCOVERY_MAC_OFFSET),
    model: latin1(b, MODEL_OFFSET, MODEL_LENGTH),
    clock: u32le(b, CLOCK_OFFSET),
    on: b.length === PACKET_SIZE.discoverReply ? b[STATE_OFFSET_DISCOVERY] !== 0 : null,
  };
}

function isDiscoverReplySize(b: Uint8Array): boolean {
  return b.length === PACKET_SIZE.discoverReply || b.length === PACKET_SIZE.discoverReplyNoState;
}

function countdownAction(b: Uint8Array, o: number): CountdownAction {
  switch (b[o]) {
    case COUNTDOWN_ACTION.off:
      return "off";
    case COUNTDOWN_ACTION.on:
      return "on";
    case COUNTDOWN_ACTION.none:
      return "none";
    default:
      throw new DecodeError(
        `unknown countdown action 0x${b[o]!.toString(16).padStart(2, "0")} (expected 00, 01 or ff)`,
        o,
        b,
      );
  }
}

/** Splits `rt` reply records: repeated `[u16 LE length][length bytes]` from offset 28. */
function tableRecords(b: Uint8Array): { offset: number; length: number }[] {
  const records: { offset: number; length: number }[] = [];
  let o = PACKET_SIZE.tableReplyHeader;
  while (o < b.length) {
    if (o + 2 > b.length) {
      throw new DecodeError("a table record length is cut off", o, b);
    }
    const length = u16le(b, o);
    if (o + 2 + length > b.length) {
      throw new DecodeError(
        `a table record declares ${length} bytes but only ${b.length - o - 2} remain`,
        o,
        b,
      );
    }
    records.push({ offset: o + 2, length });
    o += 2 + length;
  }
  return records;
}

function checkRecordLength(
  b: Uint8Array,
  table: number,
  record: { offset: number; length: number },
  expected: number,
  atLeast = false,
): void {
  const ok = atLeast ? record.length >= expected : record.length === expected;
  if (!ok) {
    throw new DecodeError(
      `a table ${table} record must be ${
        atLeast ? "at least " : ""
      }${expected} bytes, got ${record.length}`,
      record.offset - 2,
      b,
    );
  }
}

function tableReply(b: Uint8Array): Message {
  const table = b[23]!;
  const base = { mac: mac(b), session: session(b) };
  const records = tableRecords(b);
  switch (table) {
    case TABLE.versions: {
      const versions: TableVersion[] = records.map((r) => {
        checkRecordLength(b, table, r, RECORD_LENGTH.version);
        return {
          id: u16le(b, r.offset),
          table: u16le(b, r.offset + 2),
          version: u16le(b, r.offset + 4),
        };
      });
      return { kind: "tableVersions", ...base, versions };
    }
    case TABLE.timers: {
      const timers: TimerRecord[] = records.map((r) => {
        checkRecordLength(b, table, r, RECORD_LENGTH.timer);
        return readTimerRecord(b, r.offset);
      });
      return { kind: "timerTable", ...base, timers };
    }
    case TABLE.socketData: {
      if (records.length !== 1) {
        throw new DecodeError(
          `table 4 must hold exactly one record, got ${records.length}`,
          PACKET_SIZE.tableReplyHeader,
          b,
        );
      }
      const r = records[0]!;
      checkRecordLength(b, table, r, RECORD_LENGTH.socketDataShort, true);
      return { kind: "socketData", ...base, data: readSocketData(b, r.offset, r.length) };
    }
    default:
      return {
        kind: "rawTable",
        ...base,
        table,
        records: records.map((r) => b.slice(r.offset, r.offset + r.length)),
      };
  }
}

function tableWrite(b: Uint8Array): Message {
  const table = b[22]!;
  const operation = b[24]!;
  const base = { mac: mac(b), session: session(b) };
  if (operation === TABLE_OPERATION.delete) {
    if (b.length !== PACKET_SIZE.deleteRecord) throw sizeError("tm", b, [PACKET_SIZE.deleteRecord]);
    return { kind: "deleteRecord", ...base, table, id: u16le(b, 25) };
  }
  if (operation !== TABLE_OPERATION.add && operation !== TABLE_OPERATION.modify) {
    throw new DecodeError(
      `unknown table operation 0x${
        operation.toString(16).padStart(2, "0")
      } (expected 00, 01 or 02)`,
      24,
      b,
    );
  }
  const op = operation === TABLE_OPERATION.add ? "add" : "modify";
  if (b.length < PACKET_SIZE.tableWriteHeader + 2) {
    throw new DecodeError("the record length of a table write is missing", 25, b);
  }
  const length = u16le(b, 25);
  const offset = 27;
  if (offset + length !== b.length) {
    throw new DecodeError(
      `a table write declares a ${length}-byte record but carries ${b.length - offset}`,
      25,
      b,
    );
  }
  const record = { offset, length };
  switch (table) {
    case TABLE.timers:
      checkRecordLength(b, table, record, RECORD_LENGTH.timer);
      return { kind: "writeTimer", ...base, operation: op, timer: readTimerRecord(b, offset) };
    case TABLE.socketData:
      checkRecordLength(b, table, record, RECORD_LENGTH.socketDataShort, true);
      return {
        kind: "writeSocketData",
        ...base,
        operation: op,
        data: readSocketData(b, offset, length),
      };
    default:
      return {
        kind: "writeRawRecord",
        ...base,
        table,
        operation: op,
        record: b.slice(offset, offset + length),
      };
  }
}

/** Acknowledgement kinds that share the 23-byte shape: header, MAC, pad, session, `00`. */
function ack<K extends Message["kind"]>(kind: K, b: Uint8Array): Message {
  return { kind, mac: mac(b), session: session(b) } as Message;
}

const DECODERS: Record<string, Decoder> = {
  qa(b) {
    if (b.length === PACKET_SIZE.discover) return { kind: "discover" };
    if (b.length === PACKET_SIZE.discoverWithMac) return { kind: "discover", mac: mac(b) };
    if (isDiscoverReplySize(b)) return discoverReply(b, "qa");
    throw sizeError("qa", b, [6, 18, 41, 42]);
  },
  qg(b) {
    if (b.length === PACKET_SIZE.discoverMac) return { kind: "discoverMac", mac: mac(b) };
    if (isDiscoverReplySize(b)) return discoverReply(b, "qg");
    throw sizeError("qg", b, [18, 41, 42]);
  },
  cl(b) {
    switch (b.length) {
      case PACKET_SIZE.subscribe:
        return { kind: "subscribe", mac: mac(b) };
      case PACKET_SIZE.subscribeCloud:
        return { kind: "subscribe", mac: mac(b), session: session(b) };
      case PACKET_SIZE.subscribeReply:
        return { kind: "subscribeReply", mac: mac(b), session: session(b), on: b[23] !== 0 };
      default:
        throw sizeError("cl", b, [24, 30, 34]);
    }
  },
  dc(b, from) {
    if (b.length !== PACKET_SIZE.short) throw sizeError("dc", b, [23]);
    if (from === "device") return ack("setPowerReply", b);
    return { kind: "setPower", mac: mac(b), session: session(b), on: b[22] !== 0 };
  },
  sf(b) {
    if (b.length !== PACKET_SIZE.short) throw sizeError("sf", b, [23]);
    return { kind: "stateReport", mac: mac(b), session: session(b), on: b[22] !== 0 };
  },
  hb(b) {
    if (b.length === PACKET_SIZE.heartbeat) {
      return { kind: "heartbeat", mac: mac(b), session: session(b) };
    }
    if (b.length === PACKET_SIZE.short) return ack("heartbeatReply", b);
    throw sizeError("hb", b, [22, 23]);
  },
  rt(b) {
    if (b.length === PACKET_SIZE.readTable) {
      return {
        kind: "readTable",
        mac: mac(b),
        session: session(b),
        table: b[22]!,
        version: b[24]!,
      };
    }
    if (b.length >= PACKET_SIZE.tableReplyHeader) return tableReply(b);
    throw new DecodeError(
      `an "rt" packet must be 29 bytes (request) or at least 28 (reply), got ${b.length}`,
      HEADER_LENGTH,
      b,
    );
  },
  tm(b) {
    if (b.length === PACKET_SIZE.short) return ack("writeTableReply", b);
    if (b.length >= PACKET_SIZE.deleteRecord) return tableWrite(b);
    throw new DecodeError(
      `a "tm" packet must be 23 bytes (reply) or at least 27 (request), got ${b.length}`,
      HEADER_LENGTH,
      b,
    );
  },
  cs(b) {
    if (b.length === PACKET_SIZE.setClock) {
      return { kind: "setClock", mac: mac(b), session: session(b), clock: u32le(b, 22) };
    }
    if (b.length === PACKET_SIZE.short) return ack("setClockReply", b);
    throw sizeError("cs", b, [23, 26]);
  },
  cd(b, from) {
    if (b.length !== PACKET_SIZE.countdown) throw sizeError("cd", b, [26]);
    const base = { mac: mac(b), session: session(b) };
    const action = countdownAction(b, 23);
    const seconds = u16le(b, 24);
    if (from === "device") return { kind: "countdownReply", ...base, action, seconds };
    const mode = b[22];
    if (mode !== 0 && mode !== 1) {
      throw new DecodeError(
        `unknown countdown mode 0x${
          mode!.toString(16).padStart(2, "0")
        } (expected 00 set or 01 read)`,
        22,
        b,
      );
    }
    return { kind: "countdown", ...base, mode: mode === 1 ? "read" : "set", action, seconds };
  },
  ts(b) {
    if (b.length === PACKET_SIZE.setTimeZone) {
      return {
        kind: "setTimeZone",
        mac: mac(b),
        session: session(b),
        zoneIndex: u16le(b, 22),
        standardOffset: s32le(b, 26),
        dstOffset: s32le(b, 30),
      };
    }
    if (b.length === PACKET_SIZE.short) return ack("setTimeZoneReply", b);
    throw sizeError("ts", b, [23, 34]);
  },
  mp(b) {
    switch (b.length) {
      case PACKET_SIZE.changePassword:
        return {
          kind: "changePassword",
          mac: mac(b),
          session: session(b),
          oldPassword: paddedText(b, 22, 12),
          newPassword: paddedText(b, 34, 12),
        };
      case PACKET_SIZE.changePasswordCloudReply:
        return {
          kind: "changePasswordCloudReply",
          mac: mac(b),
          session: session(b),
          newPassword: paddedText(b, 23, 12),
        };
      case PACKET_SIZE.short:
        return ack("changePasswordReply", b);
      default:
        throw sizeError("mp", b, [23, 35, 46]);
    }
  },
  lt(b) {
    if (b.length !== PACKET_SIZE.logout) throw sizeError("lt", b, [18]);
    return { kind: "logout", mac: mac(b) };
  },
  dl(b) {
    if (b.length === PACKET_SIZE.cloudLogin) {
      return { kind: "cloudLogin", mac: mac(b), session: session(b) };
    }
    if (b.length === PACKET_SIZE.short) return ack("cloudLoginReply", b);
    throw sizeError("dl", b, [23, 34]);
  },
  gt(b) {
    if (b.length === PACKET_SIZE.dstRuleRequest) {
      return { kind: "dstRuleRequest", mac: mac(b), session: session(b), zoneIndex: u16le(b, 22) };
    }
    if (b.length === PACKET_SIZE.dstRuleReply) {
      return {
        kind: "dstRuleReply",
        mac: mac(b),
        session: session(b),
        year: u16le(b, 23),
        standardOffset: s32le(b, 25),
        dstOffset: s32le(b, 29),
        dstStart: latin1(b, 33, 20),
        dstEnd: latin1(b, 53, 20),
      };
    }
    throw sizeError("gt", b, [24, 73]);
  },
};

/**
 * Decodes one datagram into a typed {@linkcode Message}. A well-framed packet with a command
 * this codec does not know comes back as `{ kind: "unknown", command, body }`.
 *
 * @example Decode a discovery reply from a real socket (capture 4, frame 88)
 * ```ts
 * import { decode, deviceTimeToDate, fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const reply = decode(fromHex(
 *   "6864002a716700accf2335e6aa202020202020aae63523cfac202020202020534f43303035a48557da00",
 * ));
 * assert.ok(reply.kind === "discoverReply");
 * assert.equal(reply.mac, "ac:cf:23:35:e6:aa");
 * assert.equal(reply.model, "SOC005");
 * assert.equal(reply.on, false);
 * assert.equal(deviceTimeToDate(reply.clock)?.toISOString(), "2016-01-30T18:55:32.000Z");
 * ```
 *
 * @param bytes One UDP payload.
 * @param options Who sent it, for the two shapes that need it.
 * @returns The message.
 * @throws {DecodeError} If the datagram is not a well-formed S20 packet.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Message {
  const { from = "device" } = options;
  if (bytes.length < HEADER_LENGTH) {
    throw new DecodeError(
      `a ${bytes.length}-byte datagram is shorter than the ${HEADER_LENGTH}-byte header`,
      bytes.length,
      bytes,
    );
  }
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) {
    throw new DecodeError('magic is not 68 64 ("hd")', 0, bytes);
  }
  const declared = u16be(bytes, 2);
  if (declared !== bytes.length) {
    throw new DecodeError(
      `declared length ${declared} does not match the ${bytes.length} bytes received`,
      2,
      bytes,
    );
  }
  const command = String.fromCharCode(bytes[4]!, bytes[5]!);
  const decoder = Object.hasOwn(DECODERS, command) ? DECODERS[command] : undefined;
  if (decoder === undefined) {
    return { kind: "unknown", command, body: bytes.slice(HEADER_LENGTH) };
  }
  return decoder(bytes, from);
}
