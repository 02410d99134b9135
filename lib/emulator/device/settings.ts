/**
 * Table 4 of an emulated socket and the requests that change it: table reads, `tm` writes of
 * table 4, `ts` (then `gt` to the cloud for the DST rule), and `mp`, relayed to the cloud
 * (docs/protocol.md#table-4, #time-zone-and-dst-rule, #remote-password). Internal.
 */
import type { MessageOf } from "../../protocol/messages.ts";
import type { NetAddress } from "../../transport/types.ts";
import { editSocketData } from "../tables.ts";
import type { SubscriberInfo } from "../types.ts";
import type { DeviceCore } from "./core.ts";
import type { Timers } from "./timers.ts";

interface PendingPassword {
  readonly to: NetAddress;
  readonly echoesSession: boolean;
  readonly slot: number;
  readonly session: number;
}

/** Table reads and the settings of one emulated socket. */
export class Settings {
  #core: DeviceCore;
  #timers: Timers;
  /**
   * `mp` requests relayed to the cloud, by the slot the relay carried
   * (docs/protocol.md#remote-password).
   */
  #pendingPasswords = new Map<number, PendingPassword>();

  constructor(core: DeviceCore, timers: Timers) {
    this.#core = core;
    this.#timers = timers;
  }

  /** `rt` of table 1, 3 or 4. */
  readTable(
    message: MessageOf<"readTable">,
    session: number,
    from: NetAddress,
    to: NetAddress,
    delay: number,
  ): void {
    const core = this.#core;
    const base = { mac: core.mac, session };
    switch (message.table) {
      case 1:
        return core.send(
          { kind: "tableVersions", ...base, versions: core.tables.versions() },
          to,
          delay,
        );
      case 3:
        // An empty table 3 is answered with no records (Q3: the real answer is unknown).
        return core.send({ kind: "timerTable", ...base, timers: core.tables.timers }, to, delay);
      case 4:
        return core.send({ kind: "socketData", ...base, data: core.tables.socketData }, to, delay);
      default:
        return core.ignore(from, message, `table ${message.table} does not exist`);
    }
  }

  /** `tm` of table 4: any record of at least 138 bytes is stored as written (Q7 unknown). */
  write(message: MessageOf<"writeSocketData">): void {
    this.#core.tables.setSocketData(message.data);
    // The zone may have moved the timers.
    this.#timers.schedule();
  }

  /** `ts`: the zone fields of table 4. @returns Whether it was applied (then acknowledge). */
  setTimeZone(message: MessageOf<"setTimeZone">, from: NetAddress): boolean {
    const core = this.#core;
    const data = core.tables.socketData;
    if (data.zoneInfo === null) {
      core.ignore(from, message, "the 138-byte table 4 has no zone fields for ts");
      return false;
    }
    core.tables.setSocketData(editSocketData(data, {
      zoneInfo: {
        ...data.zoneInfo,
        zoneIndex: message.zoneIndex,
        standardOffset: message.standardOffset,
        dstOffset: message.dstOffset,
      },
    }));
    return true;
  }

  /**
   * After a `ts`, the socket asks the cloud for the zone's DST rule (`gt`,
   * docs/protocol.md#time-zone-and-dst-rule, c1#256).
   */
  askDstRule(zoneIndex: number, delay: number): void {
    const core = this.#core;
    if (core.cloud === null) return;
    const session = core.subscribers.get(core.cloudKey!)?.slot ?? 0;
    core.send({ kind: "dstRuleRequest", mac: core.mac, session, zoneIndex }, core.cloud, delay);
  }

  /** `mp`: relayed to the cloud, whose answer completes it. */
  changePassword(
    message: MessageOf<"changePassword">,
    subscriber: SubscriberInfo,
    from: NetAddress,
    to: NetAddress,
    delay: number,
  ): void {
    const core = this.#core;
    if (core.cloud === null) {
      return core.ignore(
        from,
        message,
        "mp needs the cloud, which is not emulated (docs/protocol.md#remote-password)",
      );
    }
    this.#pendingPasswords.set(subscriber.slot, {
      to,
      echoesSession: subscriber.echoesSession,
      slot: subscriber.slot,
      session: message.session,
    });
    // The socket relays the request with the requester's slot in place of the session.
    core.send({ ...message, session: subscriber.slot }, core.cloud, delay);
  }

  /** The cloud's answer to a relayed `mp`: store the password, answer the requester. */
  passwordChanged(
    message: MessageOf<"changePasswordCloudReply">,
    from: NetAddress,
    delay: number,
  ): void {
    const core = this.#core;
    if (!core.isCloud(from)) {
      return core.ignore(from, message, "an mp answer from a host that is not the cloud");
    }
    const pending = this.#pendingPasswords.get(message.session);
    if (pending === undefined) return core.ignore(from, message, "no mp is waiting for it");
    this.#pendingPasswords.delete(message.session);
    core.tables.setSocketData(
      editSocketData(core.tables.socketData, { remotePassword: message.newPassword }),
    );
    const session = pending.echoesSession ? pending.session : pending.slot;
    core.send({ kind: "changePasswordReply", mac: core.mac, session }, pending.to, delay);
  }

  /** The cloud's DST rule for the zone: stored in table 4, which counts as a change (c1#318). */
  dstRuleArrived(message: MessageOf<"dstRuleReply">, from: NetAddress): void {
    const core = this.#core;
    if (!core.isCloud(from)) {
      return core.ignore(from, message, "a DST rule from a host that is not the cloud");
    }
    const data = core.tables.socketData;
    if (data.zoneInfo === null) {
      return core.ignore(from, message, "the 138-byte table 4 has no zone fields for a DST rule");
    }
    const zone = data.zoneInfo;
    const same = zone.dstRuleYear === message.year &&
      zone.standardOffset === message.standardOffset &&
      zone.dstOffset === message.dstOffset && zone.dstStart === message.dstStart &&
      zone.dstEnd === message.dstEnd;
    // The same rule again (every ~12 s with a live cloud link, c4) changes nothing.
    if (same) return;
    core.tables.setSocketData(editSocketData(data, {
      zoneInfo: {
        ...data.zoneInfo,
        dstRuleYear: message.year,
        standardOffset: message.standardOffset,
        dstOffset: message.dstOffset,
        dstStart: message.dstStart,
        dstEnd: message.dstEnd,
      },
    }));
  }

  /** A power cut forgets relayed `mp` requests. */
  forgetPending(): void {
    this.#pendingPasswords.clear();
  }
}
