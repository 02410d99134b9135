/** Helpers for the pairing client tests: a transport that can fail or drop sends, key checks. */
import assert from "node:assert/strict";
import { NetworkError } from "../../mod.ts";
import type { Datagram, DatagramTransport, NetAddress } from "../../lib/transport/types.ts";
import type { PairingStep } from "../../lib/pairing/mod.ts";

/** Every transport call, for tests that check what was sent where. */
export interface SentDatagram {
  readonly text: string;
  readonly to: NetAddress;
}

/**
 * Wraps a transport: `redirect` maps a destination to another (a "broadcast address" that reaches a
 * loopback listener), `refuse` makes sends to a destination fail as EHOSTUNREACH does on some hosts
 * (docs/protocol.md#ap-mode), and `drop` swallows chosen datagrams, as a lossy link would.
 */
export function wrapTransport(
  inner: DatagramTransport,
  options: {
    readonly redirect?: ReadonlyMap<string, NetAddress>;
    readonly refuse?: ReadonlySet<string>;
    readonly drop?: (text: string, to: NetAddress) => boolean;
    readonly sent?: SentDatagram[];
  },
): DatagramTransport {
  const key = (a: NetAddress) => `${a.hostname}:${a.port}`;
  return {
    get local() {
      return inner.local;
    },
    get closed() {
      return inner.closed;
    },
    async send(data: Uint8Array, to: NetAddress): Promise<void> {
      const text = new TextDecoder().decode(data);
      options.sent?.push({ text, to });
      if (options.refuse?.has(key(to))) {
        throw new NetworkError(`Cannot send to ${key(to)}: No route to host (os error 113)`);
      }
      if (options.drop?.(text, to)) return;
      await inner.send(data, options.redirect?.get(key(to)) ?? to);
    },
    close: () => inner.close(),
    [Symbol.asyncIterator]: (): AsyncIterator<Datagram> => inner[Symbol.asyncIterator](),
  };
}

/** Collects progress reports, as JSON lines (what a log would hold). */
export function stepLog(): { readonly steps: PairingStep[]; onStep(step: PairingStep): void } {
  const steps: PairingStep[] = [];
  return { steps, onStep: (step) => steps.push(step) };
}

/** Asserts that none of the texts contains the key (nor its characters' smartlink lengths). */
export function assertNoKey(key: string, texts: readonly string[], what = "output"): void {
  for (const text of texts) {
    assert.ok(!text.includes(key), `the key appears in ${what}: ${text}`);
  }
}

/** Fast smartlink pacing for loopback (the listener locks on 10 equal lengths). */
export const QUICK_SMARTLINK = {
  preambleCount: 30,
  preambleSpacingMs: 0,
  markerSpacingMs: 0,
  charSpacingMs: 0,
  checksumPauseMs: 1,
  cyclePauseMs: 1,
} as const;
