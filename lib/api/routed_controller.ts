/**
 * A controller whose route (daemon or UDP) is settled on first use, for callers that must have
 * a controller synchronously (the CLI) when the only sign of a daemon is its socket file: a
 * file left by a daemon that died must not stop the command, so the first call checks that the
 * daemon answers and otherwise goes direct.
 */
import type { Controller, EventsOptions, SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type {
  CallOptions,
  ClockReading,
  Countdown,
  DiscoveredSocket,
  DiscoverOptions,
  IconName,
} from "../client/types.ts";
import { parseSocketTarget, type SocketTarget } from "../client/targets.ts";
import type { TimerSpec } from "../client/timer_spec.ts";
import type { Mac } from "../protocol/mac.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import type { NetAddress } from "../transport/types.ts";

/** A socket handle that forwards to the handle of the settled route. */
class RoutedSocket implements SocketController {
  readonly #owner: RoutedController;
  readonly #target: SocketTarget;
  readonly #parsed: ReturnType<typeof parseSocketTarget>;
  #inner: SocketController | null = null;

  constructor(owner: RoutedController, target: SocketTarget) {
    this.#owner = owner;
    this.#target = target;
    // Bad targets fail here, synchronously, as with a direct client.
    this.#parsed = parseSocketTarget(target);
  }

  /** The route's handle, once the route is settled. */
  innerOf(controller: Controller): SocketController {
    return this.#inner ??= controller.socket(this.#target);
  }

  async #call<T>(work: (s: SocketController) => Promise<T>): Promise<T> {
    return await work(this.innerOf(await this.#owner.route()));
  }

  get mac(): Mac | null {
    return this.#inner?.mac ?? this.#parsed.mac;
  }

  get address(): NetAddress | null {
    return this.#inner?.address ?? this.#parsed.address;
  }

  get lastKnownState(): boolean | null {
    return this.#inner?.lastKnownState ?? null;
  }

  get online(): boolean | null {
    return this.#inner?.online ?? null;
  }

  state(o?: CallOptions): Promise<boolean> {
    return this.#call((s) => s.state(o));
  }
  on(o?: CallOptions): Promise<boolean> {
    return this.#call((s) => s.on(o));
  }
  off(o?: CallOptions): Promise<boolean> {
    return this.#call((s) => s.off(o));
  }
  toggle(o?: CallOptions): Promise<boolean> {
    return this.#call((s) => s.toggle(o));
  }
  setPower(on: boolean, o?: CallOptions): Promise<boolean> {
    return this.#call((s) => s.setPower(on, o));
  }
  info(o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.info(o));
  }
  rename(name: string, o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.rename(name, o));
  }
  setIcon(icon: number | IconName, o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.setIcon(icon, o));
  }
  setTimeZone(
    zone: string | number,
    o?: CallOptions & { readonly dst?: boolean; readonly at?: Date },
  ): Promise<SocketData> {
    return this.#call((s) => s.setTimeZone(zone, o));
  }
  lock(o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.lock(o));
  }
  unlock(o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.unlock(o));
  }
  setRemotePassword(password: string, o?: CallOptions): Promise<void> {
    return this.#call((s) => s.setRemotePassword(password, o));
  }
  autoOff(o?: CallOptions): Promise<number | null> {
    return this.#call((s) => s.autoOff(o));
  }
  setAutoOff(seconds: number | null, o?: CallOptions): Promise<SocketData> {
    return this.#call((s) => s.setAutoOff(seconds, o));
  }
  clock(o?: CallOptions): Promise<ClockReading> {
    return this.#call((s) => s.clock(o));
  }
  syncClock(o?: CallOptions): Promise<ClockReading> {
    return this.#call((s) => s.syncClock(o));
  }
  countdown(o?: CallOptions): Promise<Countdown | null> {
    return this.#call((s) => s.countdown(o));
  }
  setCountdown(
    seconds: number,
    o?: CallOptions & { readonly action?: "on" | "off" },
  ): Promise<Countdown> {
    return this.#call((s) => s.setCountdown(seconds, o));
  }
  cancelCountdown(o?: CallOptions): Promise<void> {
    return this.#call((s) => s.cancelCountdown(o));
  }
  timers(o?: CallOptions): Promise<TimerRecord[]> {
    return this.#call((s) => s.timers(o));
  }
  addTimer(spec: TimerSpec, o?: CallOptions): Promise<TimerRecord> {
    return this.#call((s) => s.addTimer(spec, o));
  }
  updateTimer(id: number, spec: TimerSpec | TimerRecord, o?: CallOptions): Promise<TimerRecord> {
    return this.#call((s) => s.updateTimer(id, spec, o));
  }
  putTimer(record: TimerRecord, o?: CallOptions): Promise<TimerRecord> {
    return this.#call((s) => s.putTimer(record, o));
  }
  removeTimer(id: number, o?: CallOptions): Promise<void> {
    return this.#call((s) => s.removeTimer(id, o));
  }
  clearTimers(o?: CallOptions): Promise<number> {
    return this.#call((s) => s.clearTimers(o));
  }

  keepAlive(signal?: AbortSignal): Disposable {
    let inner: Disposable | null = null;
    let released = false;
    this.#owner.route().then((c) => {
      if (!released) inner = this.innerOf(c).keepAlive(signal);
    }, () => {});
    return {
      [Symbol.dispose]: () => {
        released = true;
        inner?.[Symbol.dispose]();
      },
    };
  }
}

/**
 * A {@linkcode Controller} that settles its route on first use: `open()` is called once, and
 * every call (and every handle made before) goes to the controller it returns.
 */
export class RoutedController implements Controller {
  readonly #open: () => Promise<Controller>;
  #route: Promise<Controller> | null = null;
  readonly #sockets = new Map<string, RoutedSocket>();

  /** @param open Settles the route (a health check of the daemon, else a direct client). */
  constructor(open: () => Promise<Controller>) {
    this.#open = open;
  }

  /** The settled route. */
  route(): Promise<Controller> {
    return this.#route ??= this.#open();
  }

  socket(target: SocketTarget): SocketController {
    const key = typeof target === "string" ? target : JSON.stringify(target);
    let socket = this.#sockets.get(key);
    if (!socket) {
      socket = new RoutedSocket(this, target);
      this.#sockets.set(key, socket);
    }
    return socket;
  }

  async *discover(options?: DiscoverOptions): AsyncIterableIterator<DiscoveredSocket> {
    yield* (await this.route()).discover(options);
  }

  events(options: EventsOptions = {}): AsyncIterableIterator<S20Event> {
    // Subscribe as soon as the route is known, before any later call can report an event:
    // callbacks on one promise run in the order they were added.
    const inner = this.route().then((c) =>
      c.events({
        ...(options.signal ? { signal: options.signal } : {}),
        keepAlive: (options.keepAlive ?? []).map((s) =>
          s instanceof RoutedSocket ? s.innerOf(c) : s
        ),
      })
    );
    inner.catch(() => {});
    return {
      next: async () => await (await inner).next(),
      return: async () => {
        const iterator = await inner.catch(() => null);
        return await iterator?.return?.() ?? { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async close(): Promise<void> {
    const route = this.#route;
    if (route === null) return;
    const controller = await route.catch(() => null);
    await controller?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
