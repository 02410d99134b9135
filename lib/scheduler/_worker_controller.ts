/**
 * The `Controller` an automation's worker holds: every call is a message to the daemon, which
 * makes it with its own client. So a script switches sockets with no network permission, and
 * shares the daemon's UDP port, retries and keep-alives.
 */
import type { Controller, EventsOptions, SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type { SocketTarget } from "../client/targets.ts";
import type { TimerSpec } from "../client/timer_spec.ts";
import type {
  CallOptions,
  ClockReading,
  Countdown,
  DiscoveredSocket,
  DiscoverOptions,
  IconName,
} from "../client/types.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import { Mac } from "../protocol/mac.ts";
import type { NetAddress } from "../transport/types.ts";
import {
  fromWire,
  type FromWorker,
  type KnownAlias,
  type SocketOp,
  type ToWorker,
} from "./_automation_messages.ts";

type Request = FromWorker extends infer M ? M extends { id: number } ? M : never : never;
type Subscribe = FromWorker extends infer M ? M extends { sub: number } ? M : never : never;
type Unsent<M> = M extends unknown ? Omit<M, "id" | "sub"> : never;

/** Items pushed from one side, pulled by a `for await` on the other. */
class Channel<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void } | null = null;
  #done = false;
  #error: Error | null = null;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  push(item: T): void {
    if (this.#done) return;
    if (this.#waiting) {
      this.#waiting.resolve({ value: item, done: false });
      this.#waiting = null;
    } else this.#items.push(item);
  }

  end(error: Error | null = null): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = error;
    if (this.#waiting) {
      if (error) this.#waiting.reject(error);
      else this.#waiting.resolve({ value: undefined, done: true });
      this.#waiting = null;
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return Promise.resolve({ value: this.#items.shift()!, done: false });
    }
    if (this.#done) {
      const error = this.#error;
      this.#error = null;
      return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.#done) this.#onReturn();
    this.end();
    this.#items = [];
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** The worker's end of the conversation: requests with answers, and subscriptions. */
export class DaemonLink {
  readonly #post: (message: FromWorker) => void;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  // deno-lint-ignore no-explicit-any
  readonly #subs = new Map<number, Channel<any>>();
  #next = 1;

  constructor(post: (message: FromWorker) => void) {
    this.#post = post;
  }

  /** Takes in what the daemon sent (besides `init` and `stop`). */
  receive(message: ToWorker): void {
    switch (message.t) {
      case "reply": {
        const call = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) call?.reject(fromWire(message.error));
        else call?.resolve(message.value);
        break;
      }
      case "event":
        this.#subs.get(message.sub)?.push(message.event);
        break;
      case "end":
        this.#subs.get(message.sub)?.end(message.error ? fromWire(message.error) : null);
        this.#subs.delete(message.sub);
        break;
      default:
        break;
    }
  }

  /** Sends without waiting. */
  send(message: FromWorker): void {
    this.#post(message);
  }

  /** Asks, and waits for the answer; a signal cancels the call at the daemon too. */
  request<T>(message: Unsent<Request>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        this.#post({ t: "cancel", id });
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value as T);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      this.#post({ ...message, id } as FromWorker);
    });
  }

  /** Opens a stream of items the daemon pushes until it ends, the signal aborts or we stop. */
  subscribe<T>(message: Unsent<Subscribe>, signal?: AbortSignal): AsyncIterableIterator<T> {
    const sub = this.#next++;
    const unsubscribe = () => {
      this.#subs.delete(sub);
      this.#post({ t: "unsubscribe", sub });
    };
    const channel = new Channel<T>(unsubscribe);
    if (signal?.aborted) {
      channel.end();
      return channel;
    }
    signal?.addEventListener("abort", () => void channel.return(), { once: true });
    this.#subs.set(sub, channel);
    this.#post({ ...message, sub } as FromWorker);
    return channel;
  }

  /** Holds a number for a keep-alive. */
  nextId(): number {
    return this.#next++;
  }
}

function withoutSignal(options: CallOptions = {}): Record<string, unknown> {
  const { signal: _signal, ...rest } = options;
  return rest;
}

/** One socket, through the daemon. */
class WorkerSocket implements SocketController {
  readonly #link: DaemonLink;
  readonly target: SocketTarget;
  #mac: Mac | null;
  #address: NetAddress | null;
  #state: boolean | null = null;
  #online: boolean | null = null;

  constructor(link: DaemonLink, target: SocketTarget, known: KnownAlias | undefined) {
    this.#link = link;
    this.target = target;
    const mac = known?.mac ??
      (typeof target === "string" ? Mac.tryParse(target.split("@")[0]!) : null) ??
      (typeof target === "object" && target.mac ? Mac.tryParse(target.mac) : null);
    this.#mac = mac ? Mac.parse(mac) : null;
    this.#address = known?.ip && known.port ? { hostname: known.ip, port: known.port } : null;
  }

  get mac(): Mac | null {
    return this.#mac;
  }
  get address(): NetAddress | null {
    return this.#address;
  }
  get lastKnownState(): boolean | null {
    return this.#state;
  }
  get online(): boolean | null {
    return this.#online;
  }

  /** Takes in an event about this socket (seen by any of the script's subscriptions). */
  heard(event: S20Event): void {
    if (event.type === "state") this.#state = event.on;
    if (event.type === "online") this.#online = true;
    if (event.type === "offline") this.#online = false;
  }

  async #call<T>(
    op: SocketOp,
    args: unknown[],
    options: CallOptions | undefined,
  ): Promise<T> {
    try {
      const answer = await this.#link.request<{ value: T; mac: string | null }>({
        t: "socket",
        target: this.target,
        op,
        args,
        options: withoutSignal(options),
      }, options?.signal);
      this.#online = true;
      if (answer.mac && !this.#mac) this.#mac = Mac.parse(answer.mac);
      if (typeof answer.value === "boolean" && POWER_OPS.has(op)) this.#state = answer.value;
      return answer.value;
    } catch (error) {
      if ((error as { code?: string }).code === "DEVICE_TIMEOUT") this.#online = false;
      throw error;
    }
  }

  state(o?: CallOptions): Promise<boolean> {
    return this.#call("state", [], o);
  }
  on(o?: CallOptions): Promise<boolean> {
    return this.#call("on", [], o);
  }
  off(o?: CallOptions): Promise<boolean> {
    return this.#call("off", [], o);
  }
  toggle(o?: CallOptions): Promise<boolean> {
    return this.#call("toggle", [], o);
  }
  setPower(on: boolean, o?: CallOptions): Promise<boolean> {
    return this.#call("setPower", [on], o);
  }
  info(o?: CallOptions): Promise<SocketData> {
    return this.#call("info", [], o);
  }
  rename(name: string, o?: CallOptions): Promise<SocketData> {
    return this.#call("rename", [name], o);
  }
  setIcon(icon: number | IconName, o?: CallOptions): Promise<SocketData> {
    return this.#call("setIcon", [icon], o);
  }
  setTimeZone(
    zone: string | number,
    o?: CallOptions & { readonly dst?: boolean; readonly at?: Date },
  ): Promise<SocketData> {
    return this.#call("setTimeZone", [zone], o);
  }
  lock(o?: CallOptions): Promise<SocketData> {
    return this.#call("lock", [], o);
  }
  unlock(o?: CallOptions): Promise<SocketData> {
    return this.#call("unlock", [], o);
  }
  setRemotePassword(password: string, o?: CallOptions): Promise<void> {
    return this.#call("setRemotePassword", [password], o);
  }
  autoOff(o?: CallOptions): Promise<number | null> {
    return this.#call("autoOff", [], o);
  }
  setAutoOff(seconds: number | null, o?: CallOptions): Promise<SocketData> {
    return this.#call("setAutoOff", [seconds], o);
  }
  clock(o?: CallOptions): Promise<ClockReading> {
    return this.#call("clock", [], o);
  }
  syncClock(o?: CallOptions): Promise<ClockReading> {
    return this.#call("syncClock", [], o);
  }
  countdown(o?: CallOptions): Promise<Countdown | null> {
    return this.#call("countdown", [], o);
  }
  setCountdown(
    seconds: number,
    o?: CallOptions & { readonly action?: "on" | "off" },
  ): Promise<Countdown> {
    return this.#call("setCountdown", [seconds], o);
  }
  cancelCountdown(o?: CallOptions): Promise<void> {
    return this.#call("cancelCountdown", [], o);
  }
  timers(o?: CallOptions): Promise<TimerRecord[]> {
    return this.#call("timers", [], o);
  }
  addTimer(spec: TimerSpec, o?: CallOptions): Promise<TimerRecord> {
    return this.#call("addTimer", [spec], o);
  }
  updateTimer(id: number, spec: TimerSpec | TimerRecord, o?: CallOptions): Promise<TimerRecord> {
    return this.#call("updateTimer", [id, spec], o);
  }
  putTimer(record: TimerRecord, o?: CallOptions): Promise<TimerRecord> {
    return this.#call("putTimer", [record], o);
  }
  removeTimer(id: number, o?: CallOptions): Promise<void> {
    return this.#call("removeTimer", [id], o);
  }
  clearTimers(o?: CallOptions): Promise<number> {
    return this.#call("clearTimers", [], o);
  }

  keepAlive(signal?: AbortSignal): Disposable {
    const id = this.#link.nextId();
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      signal?.removeEventListener("abort", release);
      this.#link.send({ t: "release", id });
    };
    if (signal?.aborted) return { [Symbol.dispose]: () => {} };
    signal?.addEventListener("abort", release, { once: true });
    this.#link.send({ t: "hold", id, target: this.target });
    return { [Symbol.dispose]: release };
  }
}

const POWER_OPS = new Set<SocketOp>(["state", "on", "off", "toggle", "setPower"]);

/** The automation's `sockets`: handles and streams whose work the daemon does. */
export class WorkerController implements Controller {
  readonly #link: DaemonLink;
  readonly #aliases: Readonly<Record<string, KnownAlias>>;
  readonly #handles = new Map<string, WorkerSocket>();

  constructor(link: DaemonLink, aliases: Readonly<Record<string, KnownAlias>>) {
    this.#link = link;
    this.#aliases = aliases;
  }

  socket(target: SocketTarget): SocketController {
    const key = JSON.stringify(target);
    let handle = this.#handles.get(key);
    if (!handle) {
      const known = typeof target === "string" && Object.hasOwn(this.#aliases, target)
        ? this.#aliases[target]
        : undefined;
      handle = new WorkerSocket(this.#link, target, known);
      this.#handles.set(key, handle);
    }
    return handle;
  }

  discover(options: DiscoverOptions = {}): AsyncIterableIterator<DiscoveredSocket> {
    return this.#link.subscribe<DiscoveredSocket>({
      t: "discover",
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.targets ? { targets: [...options.targets] } : {}),
    }, options.signal);
  }

  events(options: EventsOptions = {}): AsyncIterableIterator<S20Event> {
    const keepAlive = (options.keepAlive ?? []).map((handle) =>
      handle instanceof WorkerSocket ? handle.target : (handle.mac ?? "")
    );
    const inner = this.#link.subscribe<S20Event>({ t: "events", keepAlive }, options.signal);
    const handles = this.#handles;
    // Each event also updates the handles' last known state, as the daemon's own client does.
    return {
      next: async () => {
        const item = await inner.next();
        if (!item.done) {
          for (const handle of handles.values()) {
            if (handle.mac === item.value.mac) handle.heard(item.value);
          }
        }
        return item;
      },
      return: () => inner.return!(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
