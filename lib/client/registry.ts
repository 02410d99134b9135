/**
 * A bounded map of things heard from the network. Every datagram can name a new key (a forged
 * discovery reply with a made-up MAC), so entries the owner does not `keep` are forgotten once
 * silent for `maxAgeMs`, and the least recently seen go first beyond `limit`.
 */

/** How a {@linkcode Registry} is bounded. */
export interface RegistryOptions<K> {
  /** Entries held at most (kept ones are never forgotten, even past it). */
  readonly limit: number;
  /** Entries not seen for this long (in the time unit given to `set`) are forgotten. */
  readonly maxAgeMs: number;
  /** Entries never forgotten (sockets the user holds a handle on). */
  readonly keep: (key: K) => boolean;
  /** Called for each entry forgotten. */
  readonly onForget?: (key: K) => void;
}

export class Registry<K, V> {
  /** In order of last sighting, oldest first: the first entries are the ones to forget. */
  #entries = new Map<K, { value: V; seen: number }>();
  readonly #options: RegistryOptions<K>;

  constructor(options: RegistryOptions<K>) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Records a sighting at `now`, then forgets what is too old or too many. */
  set(now: number, key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, seen: now });
    this.#prune(now);
  }

  /** The entries still fresh at `now`, as a map of their own. */
  snapshot(now: number): Map<K, V> {
    this.#prune(now);
    return new Map([...this.#entries].map(([key, { value }]) => [key, value]));
  }

  #prune(now: number): void {
    const { limit, maxAgeMs, keep, onForget } = this.#options;
    for (const [key, { seen }] of this.#entries) {
      if (this.#entries.size <= limit && now - seen < maxAgeMs) break;
      if (keep(key)) continue;
      this.#entries.delete(key);
      onForget?.(key);
    }
  }
}
