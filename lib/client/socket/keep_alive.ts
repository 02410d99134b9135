/**
 * Keeping a socket's subscription alive while anyone watches it: an `hb` every `keepAliveMs`,
 * a fresh `cl` when the `hb` goes unanswered (the socket forgot us: a `reboot` event), and an
 * `offline` event when nothing answers (docs/protocol.md#keep-alive). Internal.
 */
import type { ClockTimer } from "../../time/clock.ts";
import { Deadline } from "../deadline.ts";
import { type SocketLink, SUBSCRIPTION_FRESH_MS } from "./link.ts";

/** The keep-alive of one socket, counting its users. */
export class KeepAlive {
  #link: SocketLink;
  #users = 0;
  #timer: ClockTimer | null = null;

  constructor(link: SocketLink) {
    this.#link = link;
  }

  /** Adds a user until the handle is disposed or `signal` aborts. */
  hold(signal?: AbortSignal): Disposable {
    this.#users++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      signal?.removeEventListener("abort", release);
      this.#users--;
      if (this.#users === 0) {
        this.#timer?.cancel();
        this.#timer = null;
      }
    };
    signal?.addEventListener("abort", release, { once: true });
    if (this.#timer === null) this.#schedule(0);
    return { [Symbol.dispose]: release };
  }

  /** Stops keep-alives, whoever holds them (client shutdown). */
  stop(): void {
    this.#users = 0;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#link.ctx.clock.setTimer(() => {
      this.#timer = null;
      this.#link.enqueue(() => this.#beat()).finally(() => {
        if (this.#users > 0 && this.#timer === null) {
          this.#schedule(this.#link.ctx.keepAliveMs);
        }
      });
    }, delayMs);
  }

  /** One keep-alive: `hb` (refreshes the subscription); if unanswered, `cl`; else offline. */
  async #beat(): Promise<void> {
    const link = this.#link;
    const ctx = link.ctx;
    if (ctx.closed.aborted) return;
    const d = new Deadline(ctx.timeoutMs, ctx.closed);
    try {
      const mac = await link.ready(d);
      if (link.subscriptionAge > SUBSCRIPTION_FRESH_MS) {
        // Too old to trust an hb (ignored once it lapsed, docs/protocol.md#keep-alive): subscribe
        // again at once.
        await link.subscribe(d, true);
        return;
      }
      const session = ctx.session();
      const answered = await link.tryExchange(
        d,
        { kind: "heartbeat", mac, session },
        "hb",
        (m) => m.kind === "heartbeatReply" && m.session === session ? true : undefined,
        4,
      );
      if (answered) {
        link.renewed();
        return;
      }
      // hb is ignored once the socket has forgotten us (a reboot, or our keep-alives lapsed).
      await link.subscribe(d, true);
      ctx.emit({
        type: "reboot",
        mac,
        reason: "the socket forgot our subscription",
        at: new Date(ctx.clock.now()),
      });
    } catch (error) {
      if (ctx.closed.aborted) return;
      link.markOffline(error instanceof Error ? error.message : String(error));
    }
  }
}
