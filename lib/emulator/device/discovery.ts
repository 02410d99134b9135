/**
 * Discovery of an emulated socket: the ~10 copies it answers a `qa`/`qg` with (during which it
 * ignores commands), and the unsolicited `qa` burst it announces itself with after boot
 * (docs/protocol.md#discovery, docs/protocol.md#announcements). Internal.
 */
import type { ClockTimer } from "../../time/clock.ts";
import type { NetAddress } from "../../transport/types.ts";
import type { DeviceCore } from "./core.ts";
import type { Relay } from "./relay.ts";

/** Discovery answers and announcements of one emulated socket. */
export class Discovery {
  #core: DeviceCore;
  #relay: Relay;
  #announceTimer: ClockTimer | null = null;
  #announceLeft = 0;
  /** Network time until which a discovery burst is going out. */
  #busyUntil = -Infinity;

  constructor(core: DeviceCore, relay: Relay) {
    this.#core = core;
    this.#relay = relay;
  }

  /** Whether a discovery burst is going out now (the socket ignores commands meanwhile). */
  get busy(): boolean {
    return this.#core.networkNow() < this.#busyUntil;
  }

  /** Answers a `qa` or `qg` with its copies. */
  answer(command: "qa" | "qg", from: NetAddress, delay: number): void {
    const core = this.#core;
    const reply = core.discoverReply(command, this.#relay.on);
    const to = core.replyAddress(from);
    const { discoveryCopies, discoverySpacingMs } = core.cfg;
    for (let i = 0; i < discoveryCopies; i++) core.send(reply, to, delay + i * discoverySpacingMs);
    this.#busyUntil = core.networkNow() + delay + (discoveryCopies - 1) * discoverySpacingMs;
  }

  /** Starts the announcement burst (at boot, and again every `announceEveryMs` if set). */
  startAnnouncements(): void {
    this.#cancelAnnouncements();
    this.#announceLeft = this.#core.cfg.announceCount;
    if (this.#announceLeft > 0) this.#announce();
  }

  /** Stops announcing and forgets a burst going out (power cut, close). */
  stop(): void {
    this.#cancelAnnouncements();
    this.#busyUntil = -Infinity;
  }

  #cancelAnnouncements(): void {
    this.#announceTimer?.cancel();
    this.#announceTimer = null;
  }

  /**
   * One unsolicited `qa` to the broadcast address; 21 of them 3.17 s apart
   * (docs/protocol.md#announcements).
   */
  #announce(): void {
    this.#announceTimer = null;
    const core = this.#core;
    if (core.idle) return;
    core.send(core.discoverReply("qa", this.#relay.on), core.cfg.announceTo, 0);
    this.#announceLeft--;
    const { announceIntervalMs, announceEveryMs, announceCount } = core.cfg;
    if (this.#announceLeft > 0) {
      this.#announceTimer = core.clock.setTimer(() => this.#announce(), announceIntervalMs);
    } else if (announceEveryMs > 0) {
      const wait = Math.max(0, announceEveryMs - (announceCount - 1) * announceIntervalMs);
      this.#announceTimer = core.clock.setTimer(() => this.startAnnouncements(), wait);
    }
  }
}
