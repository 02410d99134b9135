/**
 * Tells a current report of one socket's relay from a leftover. No reply carrying the relay
 * state can be tied to the request that caused it: `sf` always carries session 0 (docs/protocol.md#state-reports), a LAN
 * `cl` reply carries none (docs/protocol.md#reply-session-field), and a `dc` ack carries no state. A socket sends its second `sf`
 * ~50 ms after the first (docs/protocol.md#switching), and a lossy link duplicates and holds back datagrams. So a late
 * `sf` "on" from an earlier switch-on can arrive while we wait for a later one, after the relay
 * was switched off in between (issue 13.2).
 *
 * The rule: a message showing state `v` proves that the relay is `v` now only if it arrived
 * later than {@linkcode STALE_MS} after every request sent before our last switch to `!v` whose
 * answer could show `v` (a `dc` to `v`, or a `cl`). Anything arriving later was sent after that
 * switch took effect, and only a later switch to `!v` could undo it. Internal.
 */

/**
 * How long after a request its answers may still arrive: a `dc` ack 14–35 ms, the first `sf`
 * 4–7 ms later, the second ~50 ms after that (docs/protocol.md#latencies), plus ~50 ms of delay or reordering on the
 * way.
 */
export const STALE_MS = 150;

/** Index of a state in the per-state arrays. */
const at = (on: boolean) => (on ? 1 : 0);

export class StateEvidence {
  readonly #staleMs: number;
  /** Per state: the last send of a request whose answer could show that state. */
  #asked = [-Infinity, -Infinity];
  /** Per state: messages showing it prove it only when they arrive after this. */
  #horizon = [-Infinity, -Infinity];
  /** Per state: when the last proving message arrived. */
  #proved = [-Infinity, -Infinity];

  constructor(staleMs = STALE_MS) {
    this.#staleMs = staleMs;
  }

  /** Notes a `cl` sent at `now`: its reply may show either state. */
  asked(now: number): void {
    this.#asked = [now, now];
  }

  /** Notes a `dc` to `on` sent at `now`: what was asked before may still answer `!on`. */
  switching(on: boolean, now: number): void {
    const other = at(!on);
    this.#horizon[other] = Math.max(this.#horizon[other]!, this.#asked[other]! + this.#staleMs);
    this.#asked[at(on)] = now;
  }

  /** Whether a message showing `on` that arrived at `arrived` proves the relay is `on`. */
  proves(on: boolean, arrived: number): boolean {
    return arrived > this.#horizon[at(on)]!;
  }

  /** Notes a message showing `on` (an `sf` or a `cl` reply) that arrived at `arrived`. */
  heard(on: boolean, arrived: number): void {
    if (this.proves(on, arrived)) this.#proved[at(on)] = Math.max(this.#proved[at(on)]!, arrived);
  }

  /** Whether a proof of `on` arrived at or after `since`. */
  provedSince(on: boolean, since: number): boolean {
    return this.#proved[at(on)]! >= since;
  }

  /** From when a message showing `on` proves it (`-Infinity` when anything does). */
  settledAt(on: boolean): number {
    return this.#horizon[at(on)]!;
  }
}
