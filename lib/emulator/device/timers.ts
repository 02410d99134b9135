/**
 * Table 3 of an emulated socket: records written and deleted by `tm`, and the clock timer that
 * fires them in the socket's local time (zone and DST from table 4, docs/protocol.md#table-3).
 * Internal.
 */
import type { MessageOf } from "../../protocol/messages.ts";
import type { ClockTimer } from "../../time/clock.ts";
import type { NetAddress } from "../../transport/types.ts";
import { zoneOffsetMs } from "../local_time.ts";
import { type DueTimers, nextDue } from "../timer_plan.ts";
import type { DeviceCore } from "./core.ts";
import type { Relay } from "./relay.ts";

/** The timer table of one emulated socket, and what fires it. */
export class Timers {
  #core: DeviceCore;
  #relay: Relay;
  #timer: ClockTimer | null = null;
  /** Local ms of the last table-3 firing; never fire again before it (DST fall-back guard). */
  #lastFiredLocal: number | null = null;

  constructor(core: DeviceCore, relay: Relay) {
    this.#core = core;
    this.#relay = relay;
  }

  /** `tm` add or modify of one record. @returns Whether it was stored. */
  write(message: MessageOf<"writeTimer">, from: NetAddress): boolean {
    const tables = this.#core.tables;
    const done = message.operation === "add"
      ? tables.addTimer(message.timer)
      : tables.modifyTimer(message.timer);
    if (!done && message.operation === "add") {
      this.#core.ignore(from, message, "table 3 is full (Q3)");
      return false;
    }
    this.schedule();
    return true;
  }

  /** `tm` delete of one record. @returns Whether it was a table-3 record. */
  delete(message: MessageOf<"deleteRecord">, from: NetAddress): boolean {
    if (message.table !== 3) {
      this.#core.ignore(from, message, `records of table ${message.table} cannot be deleted`);
      return false;
    }
    this.#core.tables.deleteTimer(message.id);
    this.schedule();
    return true;
  }

  /** The clock was set or started over: times already passed may fire again. */
  clockChanged(): void {
    this.#lastFiredLocal = null;
    this.schedule();
  }

  /**
   * Arms one clock timer for the next table-3 firing; called after anything that moves it
   * (a table write, `cs`, a zone change in table 4, boot).
   */
  schedule(): void {
    this.stop();
    const core = this.#core;
    if (core.idle) return;
    const deviceMs = core.deviceClock.nowMs();
    if (deviceMs === null) return;
    const localNow = deviceMs + zoneOffsetMs(core.tables.socketData);
    const last = this.#lastFiredLocal ?? -Infinity;
    // Went back by more than timer jitter: fire the times passed again, if so configured.
    const wentBack = last - localNow > 1000;
    const after = core.cfg.refireWhenClockGoesBack && wentBack
      ? localNow
      : Math.max(localNow, last);
    const due = nextDue(core.tables.timers, after);
    if (due === null) return;
    this.#timer = core.clock.setTimer(() => this.#fire(due), due.at - localNow);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #fire(due: DueTimers): void {
    this.#timer = null;
    this.#lastFiredLocal = due.at;
    const core = this.#core;
    for (const timer of due.timers) {
      if (!core.tables.holds(timer)) continue;
      this.#relay.switchedByDevice(timer.on, "timer");
      if (!timer.weekly && core.cfg.deleteOneShotTimers) core.tables.removeTimer(timer);
    }
    this.schedule();
  }
}
