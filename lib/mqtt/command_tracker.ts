/**
 * Tells a relay change the daemon asked for from one it did not. On the wire both are the same
 * `sf` push, so the daemon's controller is wrapped: every switch made through it (the API, the
 * schedule, the bridge) marks its socket busy until shortly after it settles, and a change seen
 * while no switch was in flight is the socket's own doing (its button, its timers, another app).
 */
import type { Controller, SocketController } from "../client/controller.ts";
import type { Mac } from "../protocol/mac.ts";
import { type Clock, systemClock } from "../time/clock.ts";

/** The calls that switch the relay at once. */
const SWITCHING = new Set<PropertyKey>(["on", "off", "toggle", "setPower"]);

/**
 * Marks sockets busy while a switch made through this daemon is in flight.
 *
 * @example Wrap the daemon's controller once; every user of it is then tracked
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import { CommandTracker } from "@s20/s20/mqtt";
 *
 * const tracker = new CommandTracker();
 * await using client = tracker.wrap(new S20Client({ hostname: "127.0.0.1", port: 0 }));
 * // client.socket(…).on() now marks that socket busy; tracker.causedByCommand(mac) tells.
 * ```
 */
export class CommandTracker {
  readonly #clock: Clock;
  readonly #graceMs: number;
  readonly #inFlight = new Map<SocketController, number>();
  readonly #settledAt = new Map<Mac, number>();
  readonly #wrapped = new WeakMap<SocketController, SocketController>();

  /**
   * Creates a tracker with nothing in flight.
   *
   * @param options `graceMs`: how long after a switch settles its pushes still count as its
   * own (they may be read a moment later); `clock`: for that grace.
   */
  constructor(options: { readonly clock?: Clock; readonly graceMs?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#graceMs = options.graceMs ?? 1500;
  }

  /** Runs `work` with `socket` marked busy. */
  async track<T>(socket: SocketController, work: () => Promise<T>): Promise<T> {
    this.#inFlight.set(socket, (this.#inFlight.get(socket) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = this.#inFlight.get(socket)! - 1;
      if (left === 0) this.#inFlight.delete(socket);
      else this.#inFlight.set(socket, left);
      if (socket.mac) this.#settledAt.set(socket.mac, this.#clock.now());
    }
  }

  /** Whether a switch through this daemon is in flight for `mac`, or just settled. */
  causedByCommand(mac: Mac): boolean {
    for (const socket of this.#inFlight.keys()) if (socket.mac === mac) return true;
    const settled = this.#settledAt.get(mac);
    return settled !== undefined && this.#clock.now() - settled <= this.#graceMs;
  }

  /**
   * The same controller, whose socket handles mark their switches. It stays an instance of its
   * class (`instanceof` and getters work as before).
   */
  wrap<C extends Controller>(controller: C): C {
    return new Proxy(controller, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (property === "socket") {
          return (...args: Parameters<Controller["socket"]>) =>
            this.#wrapSocket(target.socket(...args));
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  #wrapSocket(socket: SocketController): SocketController {
    const known = this.#wrapped.get(socket);
    if (known) return known;
    const wrapped = new Proxy(socket, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        const bound = value.bind(target);
        if (!SWITCHING.has(property)) return bound;
        return (...args: unknown[]) => this.track(target, () => bound(...args));
      },
    });
    this.#wrapped.set(socket, wrapped);
    return wrapped;
  }
}
