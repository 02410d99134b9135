/**
 * The relay of an emulated socket: switching it (`dc`, the button, timers, countdowns), the
 * `sf` reports to subscribers, its history, and the one-off countdown with auto-off
 * (docs/protocol.md#switching, docs/protocol.md#countdown-and-auto-off). Internal.
 */
import type { Message, MessageOf } from "../../protocol/messages.ts";
import type { ClockTimer } from "../../time/clock.ts";
import type { NetAddress } from "../../transport/types.ts";
import type { RelayCause, RelayChange } from "../types.ts";
import type { DeviceCore } from "./core.ts";

/** The relay history keeps this many changes, so a long-running emulator does not grow. */
const HISTORY_LIMIT = 10_000;
const MAX_COUNTDOWN_SECONDS = 0xffff;

/**
 * A running countdown, as {@linkcode EmulatedDevice.countdown} reports it.
 *
 * @example Auto-off arms a countdown at switch-on
 * ```ts
 * import { type CountdownState, EmulatedDevice } from "@s20/s20/emulator";
 * import { factorySocketData } from "@s20/s20";
 * import { VirtualClock } from "@s20/s20/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualClock({ start: "2026-01-01T12:00:00Z" });
 * const mac = "ac:cf:23:00:00:01";
 * using device = new EmulatedDevice({
 *   mac,
 *   clock,
 *   socketData: { ...factorySocketData(mac), autoOffEnabled: true, autoOffSeconds: 90 },
 * });
 * device.pressButton();
 * const countdown: CountdownState | null = device.countdown;
 * assert.deepEqual(countdown, { action: "off", seconds: 90, cause: "auto-off" });
 * await clock.advance(90_000);
 * assert.equal(device.on, false);
 * ```
 */
export interface CountdownState {
  /** What happens at zero. */
  readonly action: "on" | "off";
  /** Whole seconds left (rounded up), as a `cd` read would answer. */
  readonly seconds: number;
  /** `"countdown"` for a `cd`, `"auto-off"` for table 4's delay after switch-on. */
  readonly cause: "countdown" | "auto-off";
}

interface Countdown {
  readonly action: "on" | "off";
  readonly dueAt: number;
  readonly cause: "countdown" | "auto-off";
  readonly timer: ClockTimer;
}

/** The relay and countdown of one emulated socket. */
export class Relay {
  #core: DeviceCore;
  #on: boolean;
  #history: RelayChange[] = [];
  #countdown: Countdown | null = null;

  constructor(core: DeviceCore, on: boolean) {
    this.#core = core;
    this.#on = on;
  }

  get on(): boolean {
    return this.#on;
  }

  get history(): readonly RelayChange[] {
    return this.#history;
  }

  get countdown(): CountdownState | null {
    const c = this.#countdown;
    if (c === null) return null;
    return { action: c.action, seconds: this.#secondsLeft(c), cause: c.cause };
  }

  /** `dc`: the ack, the switch, then `sf` to every subscriber. */
  setPower(message: MessageOf<"setPower">, session: number, to: NetAddress, delay: number): void {
    const core = this.#core;
    core.send({ kind: "setPowerReply", mac: core.mac, session }, to, delay);
    this.set(message.on, "dc");
    // Pushed even when the state did not change (Q10 unknown).
    this.push(delay + (core.cfg.pushDelayMs ?? core.latency.next("sf")));
  }

  /** `cd`: read, start or cancel the countdown. */
  countdownRequest(
    message: MessageOf<"countdown">,
    session: number,
    to: NetAddress,
    delay: number,
  ): void {
    const core = this.#core;
    const reply = (action: "on" | "off" | "none", seconds: number) =>
      core.send({ kind: "countdownReply", mac: core.mac, session, action, seconds }, to, delay);
    if (message.mode === "read") {
      const c = this.#countdown;
      return reply(c?.action ?? "none", c === null ? 0 : this.#secondsLeft(c));
    }
    if (message.action === "none" || message.seconds === 0) {
      this.cancelCountdown();
      return reply("none", 0);
    }
    this.#startCountdown(message.action, message.seconds, "countdown");
    return reply(message.action, message.seconds);
  }

  /** Switches the relay. @returns Whether the state changed. */
  set(on: boolean, cause: RelayCause): boolean {
    if (this.#on === on) return false;
    const core = this.#core;
    this.#on = on;
    const change: RelayChange = {
      on,
      cause,
      at: core.clock.now(),
      deviceTime: core.deviceClock.reading(),
    };
    this.#history.push(change);
    if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
    core.emit({ type: "relay", change });
    const data = core.tables.socketData;
    // Auto-off: every switch-on copies the delay into the countdown
    // (docs/protocol.md#countdown-and-auto-off).
    if (on && data.autoOffEnabled && data.autoOffSeconds > 0) {
      this.#startCountdown("off", data.autoOffSeconds, "auto-off");
    }
    return true;
  }

  /**
   * `sf` to every live subscriber, twice (docs/protocol.md#switching): cloud first, then by slot,
   * as in c1/c4.
   */
  push(delayMs: number): void {
    const core = this.#core;
    const subscribers = core.subscribers.list();
    const sf: Message = { kind: "stateReport", mac: core.mac, session: 0, on: this.#on };
    for (const round of [0, core.cfg.pushRepeatMs ?? core.latency.next("sf2")]) {
      for (const s of subscribers) core.send(sf, s.address, delayMs + round);
    }
  }

  /** A switch the socket makes by itself (timer, countdown): pushed if so configured. */
  switchedByDevice(on: boolean, cause: RelayCause): void {
    if (this.set(on, cause) && this.#core.cfg.pushOnTimer) this.push(0);
  }

  cancelCountdown(): void {
    this.#countdown?.timer.cancel();
    this.#countdown = null;
  }

  #startCountdown(action: "on" | "off", seconds: number, cause: Countdown["cause"]): void {
    this.cancelCountdown();
    const clock = this.#core.clock;
    const ms = Math.min(seconds, MAX_COUNTDOWN_SECONDS) * 1000;
    const timer = clock.setTimer(() => {
      if (this.#countdown?.timer !== timer) return;
      this.#countdown = null;
      this.switchedByDevice(action === "on", cause);
    }, ms);
    this.#countdown = { action, dueAt: clock.now() + ms, cause, timer };
  }

  #secondsLeft(c: Countdown): number {
    return Math.max(
      0,
      Math.min(MAX_COUNTDOWN_SECONDS, Math.ceil((c.dueAt - this.#core.clock.now()) / 1000)),
    );
  }
}
