/**
 * The relay of {@linkcode S20Socket}: reading it with a fresh subscribe, and switching it until a
 * report proves the new state (docs/protocol.md#switching). Internal.
 */
import type { Message } from "../../protocol/messages.ts";
import type { Deadline } from "../deadline.ts";
import { receive } from "../exchange.ts";
import type { CallOptions } from "../types.ts";
import type { SocketLink } from "./link.ts";

/**
 * The first `sf` follows a `dc` ack within 4–7 ms, the second ~50 ms later
 * (docs/protocol.md#latencies).
 */
const CONFIRM_WAIT_MS = 150;

/** Power operations of one socket. */
export class Power {
  #link: SocketLink;

  constructor(link: SocketLink) {
    this.#link = link;
  }

  state(options: CallOptions): Promise<boolean> {
    return this.#link.op((d) => this.#read(d), options);
  }

  toggle(options: CallOptions): Promise<boolean> {
    return this.#link.op(async (d) => {
      const now = await this.#read(d);
      return await this.#switch(d, !now);
    }, options);
  }

  setPower(on: boolean, options: CallOptions): Promise<boolean> {
    return this.#link.op((d) => this.#switch(d, on), options);
  }

  /**
   * Reads the relay state with a fresh subscribe. A reply that could be a late copy of an
   * earlier one (from before our last switch) is not believed: wait until it could not be,
   * and ask again.
   */
  async #read(d: Deadline): Promise<boolean> {
    const evidence = this.#link.evidence;
    for (;;) {
      const { on, arrived } = (await this.#link.subscribe(d, true))!;
      if (evidence.proves(on, arrived)) return on;
      await d.pause(Math.max(1, Math.ceil(evidence.settledAt(on) - performance.now()) + 1));
    }
  }

  /**
   * Sends `dc` until a report proves the relay is `on`: an `sf` or `cl` reply that cannot be
   * a leftover of an earlier switch (see {@linkcode StateEvidence}). A `dc` ack carries no
   * state, and a late `sf` of an earlier switch to the same state looks just like ours.
   */
  async #switch(d: Deadline, on: boolean): Promise<boolean> {
    const link = this.#link;
    const evidence = link.evidence;
    const mac = await link.ready(d);
    let since = Infinity;
    const onSend = () => {
      const now = performance.now();
      since = Math.min(since, now);
      evidence.switching(on, now);
    };
    const proof = (m: Message) =>
      m.kind === "stateReport" && m.on === on && evidence.proves(on, performance.now());
    for (;;) {
      await link.command(
        d,
        { kind: "setPower", mac, session: 0, on },
        "dc",
        (m) => proof(m) || m.kind === "setPowerReply" ? true : undefined,
        onSend,
      );
      if (evidence.provedSince(on, since)) break;
      // An ack, perhaps a late one of an earlier dc. Wait for a report that proves the switch;
      // while reports could still be leftovers, wait only until they could not, then read.
      const unsure = evidence.settledAt(on) - performance.now();
      const wait = unsure > 0 ? Math.min(CONFIRM_WAIT_MS, Math.ceil(unsure)) : CONFIRM_WAIT_MS;
      const report = await receive(
        link.ctx.endpoint,
        d,
        wait,
        (i) =>
          i.message.kind === "stateReport" && i.message.mac === mac && proof(i.message)
            ? true
            : undefined,
        link.address!,
      );
      if (report || evidence.provedSince(on, since)) break;
      if ((await this.#read(d)) === on) break;
    }
    link.noteState(on);
    return on;
  }
}
