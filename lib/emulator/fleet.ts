/** Several emulated sockets at once, each on its own address (or port), named and numbered. */
import { Mac } from "../protocol/mac.ts";
import { addIpv4 } from "./addresses.ts";
import { type Emulator, type EmulatorOptions, startEmulator } from "./emulator.ts";
import type { FaultOptions } from "./faults.ts";

/** Names given to fleet sockets, in order; later ones are "Socket 11", "Socket 12"… */
const FRIENDLY_NAMES = [
  "Desk lamp",
  "Hall light",
  "Kettle",
  "Fan",
  "Heater",
  "Coffee maker",
  "Aquarium",
  "Garden lights",
  "TV",
  "Printer",
] as const;

/**
 * Options for {@linkcode startFleet}: how many sockets, where, and the options they share.
 *
 * @example Three sockets on one address, ports 10000–10002
 * ```ts
 * import type { FleetOptions } from "@s20/s20/emulator";
 *
 * const options: FleetOptions = { count: 3, address: "127.0.0.2", port: 10000, step: "port" };
 * ```
 */
export interface FleetOptions
  extends Omit<EmulatorOptions, "mac" | "hostname" | "port" | "name" | "faults"> {
  /**
   * How many sockets.
   *
   * @default {1}
   */
  readonly count?: number;
  /**
   * Address of the first socket; the next ones count up from it (127.0.0.2, 127.0.0.3, …).
   *
   * @default {"127.0.0.2"}
   */
  readonly address?: string;
  /**
   * UDP port of the first socket (0: a free port each).
   *
   * @default {10000}
   */
  readonly port?: number;
  /**
   * What changes from one socket to the next: the address, or the port on one address.
   *
   * @default {"address"}
   */
  readonly step?: "address" | "port";
  /**
   * MAC of the first socket; the next ones count up from it.
   *
   * @default {"ac:cf:23:00:00:01"}
   */
  readonly firstMac?: string;
  /**
   * Names written into table 4, one per socket.
   *
   * @default {"Desk lamp", "Hall light", "Kettle", … then "Socket 11", …}
   */
  readonly names?: readonly string[];
  /**
   * Faults for every socket; socket i uses seed `seed + i`, so each has its own pattern and the
   * whole fleet stays reproducible.
   *
   * @default {none}
   */
  readonly faults?: FaultOptions;
}

/**
 * Sockets started together by {@linkcode startFleet}; closing the fleet closes them all.
 *
 * @example
 * ```ts
 * import { startFleet } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using fleet = await startFleet({ count: 2, address: "127.0.0.1", port: 0 });
 * assert.equal(fleet.emulators.length, 2);
 * ```
 */
export interface EmulatorFleet extends AsyncDisposable {
  /** The sockets, in start order. */
  readonly emulators: readonly Emulator[];
  /** Closes every socket. Idempotent. */
  close(): Promise<void>;
}

/** The MAC `steps` after `first` (ac:cf:23:00:00:01 + 1 = ac:cf:23:00:00:02). */
function addMac(first: Mac, steps: number): Mac {
  const value = parseInt(Mac.format(first, "bare"), 16) + steps;
  if (value > 0xffffffffffff) throw new RangeError(`Cannot count ${steps} MACs up from ${first}`);
  return Mac.parse(value.toString(16).padStart(12, "0"));
}

function nameFor(index: number, names: readonly string[]): string {
  return names[index] ?? `Socket ${index + 1}`;
}

/**
 * Starts `count` emulated sockets: socket i gets MAC `firstMac + i`, a name, and address
 * `address + i` (or port `port + i`). If one cannot start, those already started are closed.
 *
 * @example Two named sockets on loopback
 * ```ts
 * import { startFleet } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const fleet = await startFleet({ count: 2, address: "127.0.0.1", port: 0, replyTo: "source" });
 * const [first, second] = fleet.emulators;
 * assert.equal(first?.mac, "ac:cf:23:00:00:01");
 * assert.equal(second?.device.socketData.name, "Hall light");
 * await fleet.close();
 * ```
 *
 * @param options Count, addresses, MACs, names and the options the sockets share.
 * @returns The fleet.
 * @throws {PortInUseError} If an address and port are taken.
 * @throws {NetworkError} If an address is not on this host.
 * @throws {RangeError} If the count, addresses or MACs are out of range.
 */
export async function startFleet(options: FleetOptions = {}): Promise<EmulatorFleet> {
  const {
    count = 1,
    address = "127.0.0.2",
    port = 10000,
    step = "address",
    firstMac = "ac:cf:23:00:00:01",
    names = FRIENDLY_NAMES,
    faults,
    ...shared
  } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Cannot start a fleet of ${count} sockets: use an integer ≥ 1`);
  }
  const first = Mac.parse(firstMac);
  const emulators: Emulator[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const here = step === "address"
        ? { hostname: addIpv4(address, i), port }
        : { hostname: address, port: port === 0 ? 0 : port + i };
      emulators.push(
        await startEmulator({
          ...shared,
          ...here,
          mac: addMac(first, i),
          name: nameFor(i, names),
          ...(faults === undefined ? {} : { faults: { ...faults, seed: (faults.seed ?? 1) + i } }),
        }),
      );
    }
  } catch (error) {
    await Promise.allSettled(emulators.map((e) => e.close()));
    throw error;
  }
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= Promise.all(emulators.map((e) => e.close())).then(() => {});
    return closing;
  };
  return { emulators, close, [Symbol.asyncDispose]: close };
}
