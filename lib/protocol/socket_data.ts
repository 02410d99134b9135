/**
 * Table 4, the socket data record (docs/protocol.md#table-4). Offsets below are record offsets
 * (reply packet offset − 30). Writing starts from the bytes that were read and changes only
 * fields whose value differs, so unknown bytes (160's other bits, 162, 32–33, the tail) keep
 * what the socket gave us (docs/protocol.md#table-4 "Keep unknown bytes").
 */
import { Mac } from "./mac.ts";
import {
  ipv4,
  paddedText,
  parseIpv4,
  putPaddedText,
  putU16le,
  putU32le,
  s32le,
  textBytes,
  u16le,
  u32le,
} from "./bytes.ts";
import { PADDING_BYTE, RECORD_LENGTH } from "./constants.ts";
import type { SocketData, ZoneInfo } from "./records.ts";

const AT = {
  recordId: 0,
  versionId: 2,
  mac: 4,
  reversedMac: 16,
  remotePassword: 28,
  name: 40,
  icon: 56,
  hardwareVersion: 58,
  firmwareVersion: 62,
  wifiFirmwareVersion: 66,
  serverPort: 70,
  serverIp: 72,
  domainPort: 76,
  domain: 78,
  staticIp: 118,
  gateway: 122,
  netmask: 126,
  zoneFlags: 130,
  discoverable: 131,
  timeZone: 133,
  autoOffEnabled: 134,
  autoOffAction: 135,
  autoOffSeconds: 136,
  zoneIndex: 138,
  dstRuleYear: 140,
  standardOffset: 142,
  dstOffset: 146,
  dstStart: 150,
  dstEnd: 170,
} as const;

const SIZE = { password: 12, name: 16, domain: 40, dstTime: 20 } as const;
/** Byte 160: bit 0 set = no DST, bit 1 set = half-hour zone (orvfms, docs/protocol.md#table-4). */
const NO_DST_BIT = 0x01;
const HALF_HOUR_BIT = 0x02;
/** Byte 165 when auto-off is off, and when on (factory `00 ff`; stikonas `01 00`). */
const AUTO_OFF_ACTION_DISABLED = 0xff;
const AUTO_OFF_ACTION_SWITCH_OFF = 0x00;
const UNSET_NAME_BYTE = 0xff;

function readName(b: Uint8Array, o: number): string | null {
  for (let i = 0; i < SIZE.name; i++) {
    if (b[o + i] !== UNSET_NAME_BYTE) return paddedText(b, o, SIZE.name);
  }
  return null;
}

function readZoneInfo(b: Uint8Array, o: number): ZoneInfo {
  return {
    zoneIndex: u16le(b, o + AT.zoneIndex),
    dstRuleYear: u16le(b, o + AT.dstRuleYear),
    standardOffset: s32le(b, o + AT.standardOffset),
    dstOffset: s32le(b, o + AT.dstOffset),
    dstStart: paddedText(b, o + AT.dstStart, SIZE.dstTime),
    dstEnd: paddedText(b, o + AT.dstEnd, SIZE.dstTime),
  };
}

/**
 * Reads a table-4 record of `length` bytes at `o`; the caller checked that
 * `length >= 138` bytes are there.
 */
export function readSocketData(b: Uint8Array, o: number, length: number): SocketData {
  const flags = b[o + AT.zoneFlags]!;
  return {
    recordId: u16le(b, o + AT.recordId),
    versionId: u16le(b, o + AT.versionId),
    mac: Mac.fromBytes(b, o + AT.mac),
    remotePassword: paddedText(b, o + AT.remotePassword, SIZE.password),
    name: readName(b, o + AT.name),
    icon: u16le(b, o + AT.icon),
    hardwareVersion: u32le(b, o + AT.hardwareVersion),
    firmwareVersion: u32le(b, o + AT.firmwareVersion),
    wifiFirmwareVersion: u32le(b, o + AT.wifiFirmwareVersion),
    serverPort: u16le(b, o + AT.serverPort),
    serverIp: ipv4(b, o + AT.serverIp),
    domainPort: u16le(b, o + AT.domainPort),
    domain: paddedText(b, o + AT.domain, SIZE.domain),
    staticIp: ipv4(b, o + AT.staticIp),
    gateway: ipv4(b, o + AT.gateway),
    netmask: ipv4(b, o + AT.netmask),
    dst: (flags & NO_DST_BIT) === 0,
    halfHour: (flags & HALF_HOUR_BIT) !== 0,
    discoverable: b[o + AT.discoverable] !== 0,
    timeZone: (b[o + AT.timeZone]! << 24) >> 24,
    autoOffEnabled: b[o + AT.autoOffEnabled] !== 0,
    autoOffSeconds: u16le(b, o + AT.autoOffSeconds),
    zoneInfo: length >= RECORD_LENGTH.socketDataLong ? readZoneInfo(b, o) : null,
    raw: b.slice(o, o + length),
  };
}

function fail(field: string, expected: string, value: unknown): never {
  throw new RangeError(
    `Cannot encode socket data: '${field}' must be ${expected}: current value is ${
      JSON.stringify(value)
    }`,
  );
}

function checkInt(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `an integer from ${min} to ${max}`, value);
  }
}

function putText(out: Uint8Array, field: string, at: number, size: number, text: string): void {
  if (typeof text !== "string" || textBytes(text).length > size) {
    fail(field, `text of at most ${size} bytes`, text);
  }
  putPaddedText(out, at, size, text, PADDING_BYTE);
}

function putIp(out: Uint8Array, field: string, at: number, text: string): void {
  const bytes = parseIpv4(text);
  if (!bytes) fail(field, "a dotted IPv4 address", text);
  out.set(bytes, at);
}

function putZoneInfo(out: Uint8Array, was: ZoneInfo | null, zone: ZoneInfo | null): void {
  if (zone === null) {
    if (was !== null) fail("zoneInfo", "kept (a 190-byte record cannot drop its tail)", zone);
    return;
  }
  if (was === null) fail("zoneInfo", "null for a 138-byte record", zone);
  if (zone.zoneIndex !== was.zoneIndex) {
    checkInt("zoneInfo.zoneIndex", zone.zoneIndex, 0, 0xffff);
    putU16le(out, AT.zoneIndex, zone.zoneIndex);
  }
  if (zone.dstRuleYear !== was.dstRuleYear) {
    checkInt("zoneInfo.dstRuleYear", zone.dstRuleYear, 0, 0xffff);
    putU16le(out, AT.dstRuleYear, zone.dstRuleYear);
  }
  if (zone.standardOffset !== was.standardOffset) {
    checkInt("zoneInfo.standardOffset", zone.standardOffset, -(2 ** 31), 2 ** 31 - 1);
    putU32le(out, AT.standardOffset, zone.standardOffset);
  }
  if (zone.dstOffset !== was.dstOffset) {
    checkInt("zoneInfo.dstOffset", zone.dstOffset, -(2 ** 31), 2 ** 31 - 1);
    putU32le(out, AT.dstOffset, zone.dstOffset);
  }
  if (zone.dstStart !== was.dstStart) {
    putText(out, "zoneInfo.dstStart", AT.dstStart, SIZE.dstTime, zone.dstStart);
  }
  if (zone.dstEnd !== was.dstEnd) {
    putText(out, "zoneInfo.dstEnd", AT.dstEnd, SIZE.dstTime, zone.dstEnd);
  }
}

/**
 * The record bytes for `data`: its `raw` bytes with every field whose value differs from
 * what `raw` holds written over them.
 *
 * @throws {RangeError} If a changed field cannot be encoded.
 */
export function writeSocketData(data: SocketData): Uint8Array {
  const raw = data.raw;
  if (!(raw instanceof Uint8Array) || raw.length < RECORD_LENGTH.socketDataShort) {
    fail("raw", `at least ${RECORD_LENGTH.socketDataShort} bytes`, raw?.length);
  }
  const was = readSocketData(raw, 0, raw.length);
  const out = raw.slice();
  if (data.recordId !== was.recordId) {
    checkInt("recordId", data.recordId, 0, 0xffff);
    putU16le(out, AT.recordId, data.recordId);
  }
  if (data.versionId !== was.versionId) {
    checkInt("versionId", data.versionId, 0, 0xffff);
    putU16le(out, AT.versionId, data.versionId);
  }
  if (data.mac !== was.mac) {
    const mac = Mac.parse(data.mac);
    Mac.write(mac, out, AT.mac);
    Mac.write(mac, out, AT.reversedMac, true);
  }
  if (data.remotePassword !== was.remotePassword) {
    putText(out, "remotePassword", AT.remotePassword, SIZE.password, data.remotePassword);
  }
  if (data.name !== was.name) {
    if (data.name === null) out.fill(UNSET_NAME_BYTE, AT.name, AT.name + SIZE.name);
    else putText(out, "name", AT.name, SIZE.name, data.name);
  }
  if (data.icon !== was.icon) {
    checkInt("icon", data.icon, 0, 0xffff);
    putU16le(out, AT.icon, data.icon);
  }
  for (const field of ["hardwareVersion", "firmwareVersion", "wifiFirmwareVersion"] as const) {
    if (data[field] !== was[field]) {
      checkInt(field, data[field], 0, 0xffffffff);
      putU32le(out, AT[field], data[field]);
    }
  }
  for (const field of ["serverPort", "domainPort"] as const) {
    if (data[field] !== was[field]) {
      checkInt(field, data[field], 0, 0xffff);
      putU16le(out, AT[field], data[field]);
    }
  }
  for (const field of ["serverIp", "staticIp", "gateway", "netmask"] as const) {
    if (data[field] !== was[field]) putIp(out, field, AT[field], data[field]);
  }
  if (data.domain !== was.domain) putText(out, "domain", AT.domain, SIZE.domain, data.domain);
  if (data.dst !== was.dst || data.halfHour !== was.halfHour) {
    const kept = raw[AT.zoneFlags]! & ~(NO_DST_BIT | HALF_HOUR_BIT);
    out[AT.zoneFlags] = kept | (data.dst ? 0 : NO_DST_BIT) | (data.halfHour ? HALF_HOUR_BIT : 0);
  }
  if (data.discoverable !== was.discoverable) out[AT.discoverable] = data.discoverable ? 1 : 0;
  if (data.timeZone !== was.timeZone) {
    checkInt("timeZone", data.timeZone, -128, 127);
    out[AT.timeZone] = data.timeZone & 0xff;
  }
  if (data.autoOffEnabled !== was.autoOffEnabled) {
    out[AT.autoOffEnabled] = data.autoOffEnabled ? 1 : 0;
    out[AT.autoOffAction] = data.autoOffEnabled
      ? AUTO_OFF_ACTION_SWITCH_OFF
      : AUTO_OFF_ACTION_DISABLED;
  }
  if (data.autoOffSeconds !== was.autoOffSeconds) {
    checkInt("autoOffSeconds", data.autoOffSeconds, 0, 0xffff);
    putU16le(out, AT.autoOffSeconds, data.autoOffSeconds);
  }
  putZoneInfo(out, was.zoneInfo, data.zoneInfo);
  return out;
}

/**
 * Table 4 as a socket holds it after a factory reset, in the 190-byte layout of firmware 26
 * (docs/protocol.md#boot-and-factory-defaults, from capture 2 frame 784).
 *
 * @example
 * ```ts
 * import { factorySocketData } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const data = factorySocketData("ac:cf:23:35:e6:aa");
 * assert.equal(data.name, null);
 * assert.equal(data.timeZone, 8);
 * assert.equal(data.raw.length, 190);
 * ```
 *
 * @param mac The socket's MAC address, in any spelling {@linkcode Mac.parse} accepts.
 * @returns The record, with `raw` set to its bytes.
 */
export function factorySocketData(mac: string): SocketData {
  const parsed = Mac.parse(mac);
  const b = new Uint8Array(RECORD_LENGTH.socketDataLong);
  putU16le(b, AT.recordId, 1);
  b[AT.versionId] = 0x43; // `43 25` in every dump (docs/protocol.md#table-4)
  b[AT.versionId + 1] = 0x25;
  Mac.write(parsed, b, AT.mac);
  b.fill(PADDING_BYTE, AT.mac + 6, AT.mac + 12);
  Mac.write(parsed, b, AT.reversedMac, true);
  b.fill(PADDING_BYTE, AT.reversedMac + 6, AT.reversedMac + 12);
  putPaddedText(b, AT.remotePassword, SIZE.password, "888888", PADDING_BYTE);
  b.fill(UNSET_NAME_BYTE, AT.name, AT.name + SIZE.name);
  putU16le(b, AT.icon, 4);
  putU32le(b, AT.hardwareVersion, 0x20);
  putU32le(b, AT.firmwareVersion, 0x1a);
  putU32le(b, AT.wifiFirmwareVersion, 5);
  putU16le(b, AT.serverPort, 10000);
  b.set([42, 121, 111, 208], AT.serverIp);
  putU16le(b, AT.domainPort, 10000);
  putPaddedText(b, AT.domain, SIZE.domain, "vicenter.orvibo.com", 0x00);
  b.set([192, 168, 1, 200], AT.staticIp);
  b.set([192, 168, 1, 1], AT.gateway);
  b.set([255, 255, 255, 0], AT.netmask);
  b[AT.zoneFlags] = NO_DST_BIT;
  b[AT.discoverable] = 1;
  b[AT.timeZone] = 8;
  b[AT.autoOffEnabled] = 0;
  b[AT.autoOffAction] = AUTO_OFF_ACTION_DISABLED;
  b.fill(0x30, AT.dstStart, AT.dstEnd + SIZE.dstTime); // forty ASCII "0"
  return readSocketData(b, 0, b.length);
}
