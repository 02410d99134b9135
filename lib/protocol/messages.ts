import type { Mac } from "./mac.ts";
import type { CountdownAction, SocketData, TableVersion, TimerRecord } from "./records.ts";

/**
 * Every S20 packet as a typed value, told apart by `kind`. Packet layouts are in
 * docs/protocol.md#commands; the comment on each member names its command and size.
 *
 * `session` is the 4-byte field at offset 18: a value the sender chooses in requests, and in
 * replies either that value echoed or the requester's slot number
 * (docs/protocol.md#reply-session-field). Clock values are raw device time (see {@linkcode
 * deviceTimeToDate}).
 *
 * @example Narrow on `kind`
 * ```ts
 * import { decode, fromHex, type Message } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const message: Message = decode(fromHex(
 *   "68 64 00 17 73 66 ac cf 23 24 19 c0 20 20 20 20 20 20 00 00 00 00 01",
 * ));
 * assert.ok(message.kind === "stateReport" && message.on);
 * ```
 */
export type Message =
  /** `qa`, 6 bytes: global discovery (an 18-byte form with a MAC is claimed by node-orvibo). */
  | { readonly kind: "discover"; readonly mac?: Mac }
  /** `qg`, 18 bytes: discovery of one MAC. */
  | { readonly kind: "discoverMac"; readonly mac: Mac }
  /** `qa`/`qg` reply or announcement, 42 bytes (41 for an AllOne, which has no state byte). */
  | {
    readonly kind: "discoverReply";
    readonly command: "qa" | "qg";
    readonly mac: Mac;
    readonly model: string;
    readonly clock: number;
    readonly on: boolean | null;
  }
  /** `cl`, 30 bytes (LAN) or 34 bytes (cloud form, with `session`): subscribe. */
  | { readonly kind: "subscribe"; readonly mac: Mac; readonly session?: number }
  /** `cl` reply, 24 bytes. */
  | {
    readonly kind: "subscribeReply";
    readonly mac: Mac;
    readonly session: number;
    readonly on: boolean;
  }
  /** `dc` from a client, 23 bytes: switch the relay. */
  | { readonly kind: "setPower"; readonly mac: Mac; readonly session: number; readonly on: boolean }
  /** `dc` acknowledgement from the socket, 23 bytes (last byte always `00`). */
  | { readonly kind: "setPowerReply"; readonly mac: Mac; readonly session: number }
  /** `sf`, 23 bytes: relay state pushed to subscribers. */
  | {
    readonly kind: "stateReport";
    readonly mac: Mac;
    readonly session: number;
    readonly on: boolean;
  }
  /** `hb`, 22 bytes: keep-alive. */
  | { readonly kind: "heartbeat"; readonly mac: Mac; readonly session: number }
  /** `hb` reply, 23 bytes. */
  | { readonly kind: "heartbeatReply"; readonly mac: Mac; readonly session: number }
  /** `rt`, 29 bytes: read a table; `version` is the "version flag" byte (0 works). */
  | {
    readonly kind: "readTable";
    readonly mac: Mac;
    readonly session: number;
    readonly table: number;
    readonly version: number;
  }
  /** `rt` reply for table 1: the tables and their versions. */
  | {
    readonly kind: "tableVersions";
    readonly mac: Mac;
    readonly session: number;
    readonly versions: readonly TableVersion[];
  }
  /** `rt` reply for table 3: the timers. */
  | {
    readonly kind: "timerTable";
    readonly mac: Mac;
    readonly session: number;
    readonly timers: readonly TimerRecord[];
  }
  /** `rt` reply for table 4: the socket's configuration. */
  | {
    readonly kind: "socketData";
    readonly mac: Mac;
    readonly session: number;
    readonly data: SocketData;
  }
  /** `rt` reply for any other table: its records without their length prefixes. */
  | {
    readonly kind: "rawTable";
    readonly mac: Mac;
    readonly session: number;
    readonly table: number;
    readonly records: readonly Uint8Array[];
  }
  /** `tm` on table 3, operation add (`00`) or modify (`01`). */
  | {
    readonly kind: "writeTimer";
    readonly mac: Mac;
    readonly session: number;
    readonly operation: "add" | "modify";
    readonly timer: TimerRecord;
  }
  /** `tm` on table 4 (always modify of record 1 in practice). */
  | {
    readonly kind: "writeSocketData";
    readonly mac: Mac;
    readonly session: number;
    readonly operation: "add" | "modify";
    readonly data: SocketData;
  }
  /** `tm` on any other table, add or modify, with the record kept as bytes. */
  | {
    readonly kind: "writeRawRecord";
    readonly mac: Mac;
    readonly session: number;
    readonly table: number;
    readonly operation: "add" | "modify";
    readonly record: Uint8Array;
  }
  /** `tm` operation delete (`02`), 27 bytes. */
  | {
    readonly kind: "deleteRecord";
    readonly mac: Mac;
    readonly session: number;
    readonly table: number;
    readonly id: number;
  }
  /** `tm` acknowledgement, 23 bytes. */
  | { readonly kind: "writeTableReply"; readonly mac: Mac; readonly session: number }
  /** `cs`, 26 bytes: set the clock (raw device time). */
  | {
    readonly kind: "setClock";
    readonly mac: Mac;
    readonly session: number;
    readonly clock: number;
  }
  /** `cs` reply, 23 bytes. */
  | { readonly kind: "setClockReply"; readonly mac: Mac; readonly session: number }
  /** `cd` from a client, 26 bytes: read (`mode: "read"`) or start a countdown. */
  | {
    readonly kind: "countdown";
    readonly mac: Mac;
    readonly session: number;
    readonly mode: "read" | "set";
    readonly action: CountdownAction;
    readonly seconds: number;
  }
  /** `cd` reply, 26 bytes: the running countdown (`action: "none"` when there is none). */
  | {
    readonly kind: "countdownReply";
    readonly mac: Mac;
    readonly session: number;
    readonly action: CountdownAction;
    readonly seconds: number;
  }
  /** `ts`, 34 bytes: time zone (newer app): Orvibo zone index and offsets in seconds. */
  | {
    readonly kind: "setTimeZone";
    readonly mac: Mac;
    readonly session: number;
    readonly zoneIndex: number;
    readonly standardOffset: number;
    readonly dstOffset: number;
  }
  /** `ts` reply, 23 bytes. */
  | { readonly kind: "setTimeZoneReply"; readonly mac: Mac; readonly session: number }
  /** `mp`, 46 bytes: change the remote password (relayed by the socket to the cloud). */
  | {
    readonly kind: "changePassword";
    readonly mac: Mac;
    readonly session: number;
    readonly oldPassword: string;
    readonly newPassword: string;
  }
  /** `mp` answer from the cloud, 35 bytes. */
  | {
    readonly kind: "changePasswordCloudReply";
    readonly mac: Mac;
    readonly session: number;
    readonly newPassword: string;
  }
  /** `mp` acknowledgement to the app, 23 bytes. */
  | { readonly kind: "changePasswordReply"; readonly mac: Mac; readonly session: number }
  /** `lt`, 18 bytes: the app is leaving; no reply. */
  | { readonly kind: "logout"; readonly mac: Mac }
  /** `dl`, 34 bytes: the socket logs in to the cloud. */
  | { readonly kind: "cloudLogin"; readonly mac: Mac; readonly session: number }
  /** `dl` answer from the cloud, 23 bytes. */
  | { readonly kind: "cloudLoginReply"; readonly mac: Mac; readonly session: number }
  /** `gt`, 24 bytes: the socket asks the cloud for a zone's DST rule. */
  | {
    readonly kind: "dstRuleRequest";
    readonly mac: Mac;
    readonly session: number;
    readonly zoneIndex: number;
  }
  /** `gt` answer from the cloud, 73 bytes. */
  | {
    readonly kind: "dstRuleReply";
    readonly mac: Mac;
    readonly session: number;
    readonly year: number;
    readonly standardOffset: number;
    readonly dstOffset: number;
    readonly dstStart: string;
    readonly dstEnd: string;
  }
  /** A well-framed packet with a command this codec does not know; `body` follows the header. */
  | { readonly kind: "unknown"; readonly command: string; readonly body: Uint8Array };

/**
 * The `kind` names of {@linkcode Message}.
 *
 * @example
 * ```ts
 * import type { MessageKind } from "@s20/s20";
 *
 * const kind: MessageKind = "setPower";
 * ```
 */
export type MessageKind = Message["kind"];

/**
 * The member of {@linkcode Message} with the given `kind`.
 *
 * @example Build a switch-on request
 * ```ts
 * import { encode, Mac, type MessageOf } from "@s20/s20";
 *
 * const on: MessageOf<"setPower"> = {
 *   kind: "setPower", mac: Mac.parse("ac:cf:23:24:19:c0"), session: 0, on: true,
 * };
 * encode(on);
 * ```
 */
export type MessageOf<K extends MessageKind> = Extract<Message, { readonly kind: K }>;
