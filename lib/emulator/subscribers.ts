/**
 * Who may command the socket and receives its `sf` pushes (docs/protocol.md#subscriptions): entries
 * live `ttlMs` on the injected clock after their last `cl`/`hb`, and expire lazily when looked at,
 * so no timer runs per subscriber. Slots (docs/protocol.md#reply-session-field) are the lowest free
 * index, the cloud link first.
 */
import type { Clock } from "../time/clock.ts";
import type { NetAddress } from "../transport/types.ts";
import type { SubscriberInfo } from "./types.ts";

interface Entry {
  key: string;
  address: NetAddress;
  slot: number;
  echoesSession: boolean;
  cloud: boolean;
  refreshedAt: number;
}

/** The subscriber table of one device. */
export class SubscriberTable {
  #clock: Clock;
  #ttlMs: number;
  #cloud: Entry | null;
  #entries = new Map<string, Entry>();

  constructor(clock: Clock, ttlMs: number, cloud: { key: string; address: NetAddress } | null) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#cloud = cloud === null ? null : {
      ...cloud,
      slot: 0,
      echoesSession: true,
      cloud: true,
      refreshedAt: clock.now(),
    };
  }

  /** Subscribes or refreshes `key` (a `cl`); returns the entry. */
  subscribe(key: string, address: NetAddress, echoesSession: boolean): SubscriberInfo {
    if (this.#cloud?.key === key) return this.#info(this.#cloud);
    this.#prune();
    const now = this.#clock.now();
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        key,
        address,
        slot: this.#freeSlot(),
        echoesSession,
        cloud: false,
        refreshedAt: now,
      };
      this.#entries.set(key, entry);
    }
    entry.address = address;
    entry.echoesSession = echoesSession;
    entry.refreshedAt = now;
    return this.#info(entry);
  }

  /** Refreshes a live subscriber (an `hb`); `null` when `key` is not subscribed. */
  refresh(key: string): SubscriberInfo | null {
    const entry = this.#live(key);
    if (entry === null) return null;
    if (!entry.cloud) entry.refreshedAt = this.#clock.now();
    return this.#info(entry);
  }

  /** The live subscriber for `key`, or `null`. */
  get(key: string): SubscriberInfo | null {
    const entry = this.#live(key);
    return entry === null ? null : this.#info(entry);
  }

  /** The live subscriber holding `slot`, or `null`. */
  bySlot(slot: number): SubscriberInfo | null {
    return this.list().find((s) => s.slot === slot) ?? null;
  }

  /** Live subscribers, cloud link first, then by slot. */
  list(): SubscriberInfo[] {
    this.#prune();
    const entries = [...this.#entries.values()].sort((a, b) => a.slot - b.slot);
    if (this.#cloud !== null) entries.unshift(this.#cloud);
    return entries.map((e) => this.#info(e));
  }

  /** Forgets every LAN subscriber (a reboot); the cloud link is re-established. */
  clear(): void {
    this.#entries.clear();
  }

  #live(key: string): Entry | null {
    if (this.#cloud?.key === key) return this.#cloud;
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (this.#clock.now() - entry.refreshedAt >= this.#ttlMs) {
      this.#entries.delete(key);
      return null;
    }
    return entry;
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) {
      if (now - entry.refreshedAt >= this.#ttlMs) this.#entries.delete(key);
    }
  }

  #freeSlot(): number {
    const used = new Set([...this.#entries.values()].map((e) => e.slot));
    let slot = this.#cloud === null ? 0 : 1;
    while (used.has(slot)) slot++;
    return slot;
  }

  #info(entry: Entry): SubscriberInfo {
    return {
      key: entry.key,
      address: entry.address,
      slot: entry.slot,
      echoesSession: entry.echoesSession,
      cloud: entry.cloud,
      refreshedAt: entry.refreshedAt,
      expiresAt: entry.cloud ? Infinity : entry.refreshedAt + this.#ttlMs,
    };
  }
}
