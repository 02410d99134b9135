/** fast-check arbitraries for every valid {@linkcode Message}. */
import fc from "npm:fast-check@4.11.0";
import { decode, Mac, type Message } from "../../mod.ts";
import type { SocketData, TimerRecord } from "../../mod.ts";

export { fc };

/** fc.record with ordinary prototypes, so deepStrictEqual compares like with like. */
const record: typeof fc.record =
  // deno-lint-ignore no-explicit-any
  ((model: any, options: any) =>
    fc.record(model, { noNullPrototype: true, ...options })) as typeof fc.record;

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const s32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Mac.fromBytes(b));
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
/** Text that survives padding: printable ASCII without trailing spaces. */
const text = (max: number) =>
  fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_.é"), maxLength: max })
    .filter((s) => new TextEncoder().encode(s).length <= max && !/[ ]$/.test(s));
const ascii = (length: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: length,
    maxLength: length,
  });
const ipv4 = fc.tuple(u8, u8, u8, u8).map((p) => p.join("."));

/** A timer whose fields are all in range. */
export const timer: fc.Arbitrary<TimerRecord> = record({
  id: u16,
  label: bytes(16, 16),
  on: fc.boolean(),
  year: u16,
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  weekly: fc.boolean(),
  days: fc.integer({ min: 0, max: 0x7f }),
});

/**
 * Socket data read from arbitrary record bytes (either layout) with some fields then changed
 * to arbitrary valid values, as a caller would.
 */
export const socketData: fc.Arbitrary<SocketData> = fc.tuple(
  fc.oneof(bytes(138, 138), bytes(190, 190), bytes(191, 260)),
  record({
    name: fc.option(text(16), { nil: null }),
    remotePassword: text(12),
    icon: u16,
    timeZone: fc.integer({ min: -128, max: 127 }),
    dst: fc.boolean(),
    halfHour: fc.boolean(),
    discoverable: fc.boolean(),
    autoOffEnabled: fc.boolean(),
    autoOffSeconds: u16,
    serverIp: ipv4,
    domain: text(40),
    firmwareVersion: u32,
  }, { requiredKeys: [], noNullPrototype: true }),
).map(([raw, changes]) => ({ ...readRecord(raw), ...changes }));

/** Reads record bytes the way a client does: framed as a table-4 reply and decoded. */
function readRecord(raw: Uint8Array): SocketData {
  const packet = new Uint8Array(30 + raw.length);
  packet.set([0x68, 0x64, packet.length >> 8, packet.length & 0xff, 0x72, 0x74]);
  packet.set(Mac.toBytes(Mac.parse("ac:cf:23:00:00:01")), 6);
  packet.fill(0x20, 12, 18);
  packet.set([0, 4, 0, 1, 0, 0, raw.length & 0xff, raw.length >> 8], 22);
  packet.set(raw, 30);
  const read = decode(packet);
  if (read.kind !== "socketData") throw new Error("an arbitrary table-4 record did not decode");
  return read.data;
}

const session = u32;

/** Every valid message. */
export const message: fc.Arbitrary<Message> = fc.oneof(
  fc.constant<Message>({ kind: "discover" }),
  mac.map((m): Message => ({ kind: "discover", mac: m })),
  mac.map((m): Message => ({ kind: "discoverMac", mac: m })),
  record({
    kind: fc.constant("discoverReply" as const),
    command: fc.constantFrom("qa" as const, "qg" as const),
    mac,
    model: ascii(6),
    clock: u32,
    on: fc.option(fc.boolean(), { nil: null }),
  }),
  mac.map((m): Message => ({ kind: "subscribe", mac: m })),
  record({ kind: fc.constant("subscribe" as const), mac, session }),
  record({ kind: fc.constant("subscribeReply" as const), mac, session, on: fc.boolean() }),
  record({ kind: fc.constant("setPower" as const), mac, session, on: fc.boolean() }),
  record({ kind: fc.constant("setPowerReply" as const), mac, session }),
  record({ kind: fc.constant("stateReport" as const), mac, session, on: fc.boolean() }),
  record({ kind: fc.constant("heartbeat" as const), mac, session }),
  record({ kind: fc.constant("heartbeatReply" as const), mac, session }),
  record({ kind: fc.constant("readTable" as const), mac, session, table: u8, version: u8 }),
  record({
    kind: fc.constant("tableVersions" as const),
    mac,
    session,
    versions: fc.array(record({ id: u16, table: u16, version: u16 }), { maxLength: 5 }),
  }),
  record({
    kind: fc.constant("timerTable" as const),
    mac,
    session,
    timers: fc.array(timer, { maxLength: 6 }),
  }),
  record({ kind: fc.constant("socketData" as const), mac, session, data: socketData }),
  record({
    kind: fc.constant("rawTable" as const),
    mac,
    session,
    table: u8.filter((t) => t !== 1 && t !== 3 && t !== 4),
    records: fc.array(bytes(0, 40), { maxLength: 4 }),
  }),
  record({
    kind: fc.constant("writeTimer" as const),
    mac,
    session,
    operation: fc.constantFrom("add" as const, "modify" as const),
    timer,
  }),
  record({
    kind: fc.constant("writeSocketData" as const),
    mac,
    session,
    operation: fc.constantFrom("add" as const, "modify" as const),
    data: socketData,
  }),
  record({
    kind: fc.constant("writeRawRecord" as const),
    mac,
    session,
    table: u8.filter((t) => t !== 3 && t !== 4),
    operation: fc.constantFrom("add" as const, "modify" as const),
    record: bytes(0, 40),
  }),
  record({ kind: fc.constant("deleteRecord" as const), mac, session, table: u8, id: u16 }),
  record({ kind: fc.constant("writeTableReply" as const), mac, session }),
  record({ kind: fc.constant("setClock" as const), mac, session, clock: u32 }),
  record({ kind: fc.constant("setClockReply" as const), mac, session }),
  record({
    kind: fc.constant("countdown" as const),
    mac,
    session,
    mode: fc.constantFrom("read" as const, "set" as const),
    action: fc.constantFrom("on" as const, "off" as const, "none" as const),
    seconds: u16,
  }),
  record({
    kind: fc.constant("countdownReply" as const),
    mac,
    session,
    action: fc.constantFrom("on" as const, "off" as const, "none" as const),
    seconds: u16,
  }),
  record({
    kind: fc.constant("setTimeZone" as const),
    mac,
    session,
    zoneIndex: u16,
    standardOffset: s32,
    dstOffset: s32,
  }),
  record({ kind: fc.constant("setTimeZoneReply" as const), mac, session }),
  record({
    kind: fc.constant("changePassword" as const),
    mac,
    session,
    oldPassword: text(12),
    newPassword: text(12),
  }),
  record({
    kind: fc.constant("changePasswordCloudReply" as const),
    mac,
    session,
    newPassword: text(12),
  }),
  record({ kind: fc.constant("changePasswordReply" as const), mac, session }),
  mac.map((m): Message => ({ kind: "logout", mac: m })),
  record({ kind: fc.constant("cloudLogin" as const), mac, session }),
  record({ kind: fc.constant("cloudLoginReply" as const), mac, session }),
  record({ kind: fc.constant("dstRuleRequest" as const), mac, session, zoneIndex: u16 }),
  record({
    kind: fc.constant("dstRuleReply" as const),
    mac,
    session,
    year: u16,
    standardOffset: s32,
    dstOffset: s32,
    dstStart: ascii(20),
    dstEnd: ascii(20),
  }),
  record({
    kind: fc.constant("unknown" as const),
    command: fc.constantFrom("rs", "ul", "zz", "\u0001\u00ff"),
    body: bytes(0, 64),
  }),
);

/** Who sends a message, for the two shapes `decode` needs told. */
export function senderOf(m: Message): "device" | "client" {
  return m.kind === "setPower" || m.kind === "countdown" ? "client" : "device";
}
