/**
 * The clock and the one-off countdown of {@linkcode S20Socket}: reading the clock from a unicast
 * `qg` (no subscription needed), setting it to ours, and the `cd` countdown
 * (docs/protocol.md#device-clock, docs/protocol.md#countdown). Internal.
 */
import { S20Error } from "../../errors.ts";
import { dateToDeviceTime, deviceTimeToDate } from "../../protocol/device_time.ts";
import type { MessageOf } from "../../protocol/messages.ts";
import type { CountdownAction } from "../../protocol/records.ts";
import { BURST_QUIET_MS } from "../answers_at.ts";
import type { Deadline } from "../deadline.ts";
import type { CallOptions, ClockReading, Countdown } from "../types.ts";
import type { SocketLink } from "./link.ts";

/** Clock and countdown operations of one socket. */
export class ClockAndCountdown {
  #link: SocketLink;

  constructor(link: SocketLink) {
    this.#link = link;
  }

  clock(options: CallOptions): Promise<ClockReading> {
    return this.#link.op((d) => this.#readClock(d), options);
  }

  syncClock(options: CallOptions): Promise<ClockReading> {
    const link = this.#link;
    return link.op(async (d) => {
      const mac = await link.ready(d);
      const session = link.ctx.session();
      // Built per send: a resend must carry the time it leaves, not the first attempt's.
      await link.command(
        d,
        () => ({
          kind: "setClock",
          mac,
          session,
          // The socket keeps whole seconds: round, so it is within half a second either way.
          clock: dateToDeviceTime(new Date(link.ctx.clock.now() + 500)),
        }),
        "cs",
        (m) => m.kind === "setClockReply" && m.session === session ? true : undefined,
      );
      return await this.#readClock(d);
    }, options);
  }

  countdown(options: CallOptions): Promise<Countdown | null> {
    return this.#link.op(async (d) => {
      const reply = await this.#countdownCommand(d, "read", "none", 0);
      return reply.action === "none" ? null : { action: reply.action, seconds: reply.seconds };
    }, options);
  }

  setCountdown(
    seconds: number,
    options: CallOptions & { readonly action?: "on" | "off" },
  ): Promise<Countdown> {
    const { action = "off" } = options;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 0xffff) {
      return Promise.reject(
        new RangeError(`Cannot start a countdown of ${seconds} s: use 1–65535 seconds`),
      );
    }
    return this.#link.op(async (d) => {
      const reply = await this.#countdownCommand(d, "set", action, seconds);
      if (reply.action !== action) {
        throw new S20Error(
          "WRITE_NOT_APPLIED",
          `Socket ${this.#link.mac} answered the countdown with action "${reply.action}", not "${action}"`,
        );
      }
      return { action, seconds: reply.seconds };
    }, options);
  }

  cancelCountdown(options: CallOptions): Promise<void> {
    return this.#link.op(async (d) => {
      await this.#countdownCommand(d, "set", "none", 0);
    }, options);
  }

  async #readClock(d: Deadline): Promise<ClockReading> {
    const link = this.#link;
    const mac = await link.ready(d);
    // A socket answers a probe ten times over ~150 ms (docs/protocol.md#discovery); let an earlier
    // burst end, or one of its late copies (an old clock) would answer this read.
    const quiet = link.ctx.endpoint.lastProbeAt + BURST_QUIET_MS - performance.now();
    if (quiet > 0) await d.pause(quiet);
    let sentAt = link.ctx.clock.now();
    const reply = await link.exchange(
      d,
      { kind: "discoverMac", mac },
      "qg",
      (m) => m.kind === "discoverReply" ? m : undefined,
      { onSend: () => (sentAt = link.ctx.clock.now()) },
    );
    const receivedAt = link.ctx.clock.now();
    const time = deviceTimeToDate(reply.clock, new Date(receivedAt));
    return {
      raw: reply.clock,
      time,
      skewMs: time ? clockSkew(time, sentAt, receivedAt) : null,
      uncertaintyMs: Math.ceil((receivedAt - sentAt) / 2),
    };
  }

  async #countdownCommand(
    d: Deadline,
    mode: "read" | "set",
    action: CountdownAction,
    seconds: number,
  ): Promise<MessageOf<"countdownReply">> {
    const mac = await this.#link.ready(d);
    return await this.#link.command(
      d,
      { kind: "countdown", mac, session: 0, mode, action, seconds },
      "cd",
      (m) => m.kind === "countdownReply" ? m : undefined,
    );
  }
}

/**
 * Socket time minus ours, NTP-style: the reading was taken somewhere in the round trip, so compare
 * it with the midpoint; and the socket keeps whole seconds (docs/protocol.md#device-clock), so its
 * true time is on average half a second past what it reports.
 */
function clockSkew(reading: Date, sentAt: number, receivedAt: number): number {
  return Math.round(reading.getTime() + 500 - (sentAt + receivedAt) / 2);
}
