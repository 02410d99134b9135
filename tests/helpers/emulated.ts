/** A client and emulated sockets on loopback, closed together (`await using`). */
import { S20Client, type S20Socket } from "../../mod.ts";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../lib/emulator/emulator.ts";
import type { Clock } from "../../lib/time/clock.ts";

export interface Rig extends AsyncDisposable {
  readonly client: S20Client;
  readonly emulators: Emulator[];
  /** Handles on the emulated sockets, by MAC and address. */
  readonly sockets: S20Socket[];
}

/**
 * Starts `count` emulated sockets on 127.0.0.1 (ephemeral ports, replying to the source port)
 * and a client on an ephemeral port, so test files can run in parallel.
 */
export async function startRig(
  options: {
    count?: number;
    emulator?: (i: number) => EmulatorOptions;
    timeout?: number;
    clock?: Clock;
    keepAliveMs?: number;
  } = {},
): Promise<Rig> {
  const { count = 1, timeout = 5000 } = options;
  const emulators: Emulator[] = [];
  try {
    for (let i = 0; i < count; i++) {
      emulators.push(
        await startEmulator({
          hostname: "127.0.0.1",
          port: 0,
          replyTo: "source",
          mac: `ac:cf:23:00:10:${(i + 1).toString(16).padStart(2, "0")}`,
          // No reply latency unless a test asks (tests/emulator/latency_test.ts runs the client
          // against the captured delays).
          timing: "instant",
          ...(options.clock ? { clock: options.clock } : {}),
          ...options.emulator?.(i),
        }),
      );
    }
  } catch (error) {
    await Promise.all(emulators.map((e) => e.close()));
    throw error;
  }
  const client = new S20Client({
    hostname: "127.0.0.1",
    port: 0,
    timeout,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
  });
  const sockets = emulators.map((e) =>
    client.socket({ mac: e.mac, ip: e.address.hostname, port: e.address.port })
  );
  return {
    client,
    emulators,
    sockets,
    async [Symbol.asyncDispose]() {
      await client.close();
      await Promise.all(emulators.map((e) => e.close()));
    },
  };
}

/** A lossy link: 30 % loss both ways, 30 % duplicated replies, some reordering. */
export function lossy(seed: number): EmulatorOptions {
  return {
    faults: {
      seed,
      requestLoss: 0.3,
      replyLoss: 0.3,
      duplicate: 0.3,
      reorder: 0.1,
      delayMs: 0,
      jitterMs: 3,
    },
  };
}
