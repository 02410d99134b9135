/** Runs the CLI in-process against buffers. */
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";
import type { EmulatorOptions } from "../../lib/emulator/emulator.ts";

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function run(
  args: string[],
  options: ConstructorParameters<typeof BufferIo>[0] = {},
): Promise<Run> {
  const io = new BufferIo({ env: { HOME: "/nonexistent", ...options?.env }, ...options });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

/**
 * Three emulated sockets on 127.0.<block>.2–4:10000 that reply to the source port, at once
 * (no captured reply delays: these tests are about the CLI).
 */
export async function emulators(
  block: number,
  extra: EmulatorOptions = {},
): Promise<Emulator[] & AsyncDisposable> {
  const list: Emulator[] = [];
  for (let i = 2; i <= 4; i++) {
    list.push(
      await startEmulator({
        hostname: `127.0.${block}.${i}`,
        port: 10000,
        replyTo: "source",
        mac: `ac:cf:23:00:${block.toString(16).padStart(2, "0")}:0${i}`,
        dropDuringDiscoveryBurst: false,
        timing: "instant",
        ...extra,
      }),
    );
  }
  return Object.assign(list, {
    async [Symbol.asyncDispose]() {
      await Promise.all(list.map((e) => e.close()));
    },
  });
}

/** Flags that point the CLI at an emulator block on loopback without owning port 10000. */
export function net(block: number): string[] {
  return ["--port", "0", "--target", `127.0.${block}.0/29`, "--timeout", "1000"];
}

/**
 * Binds `hostname`:10000, waiting a little while the previous test's socket on it is still being
 * released (Deno frees a closed UDP socket once its pending receive has ended).
 */
async function bindSilent(hostname: string): Promise<Deno.DatagramConn> {
  for (let attempt = 0;; attempt++) {
    try {
      return Deno.listenDatagram({ hostname, port: 10000, transport: "udp" });
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse) || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/**
 * A loopback UDP port 10000 that never answers and counts what reaches it: point the CLI's
 * `--target` at it to show that a command failed before sending anything.
 */
export async function silentSocket(
  hostname: string,
): Promise<{ readonly received: number } & AsyncDisposable> {
  const listener = await bindSilent(hostname);
  let received = 0;
  const reading = (async () => {
    try {
      for await (const _ of listener) received++;
    } catch {
      // Closed by the disposal below.
    }
  })();
  return {
    get received() {
      return received;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      await reading;
    },
  };
}
