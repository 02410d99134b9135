/**
 * A seeded run of random on/off/toggle calls against emulated sockets on a faulty link, checking
 * each returned state against the emulated relay at the moment the call returns (issue 13.2).
 * Shared by tests/client/confirm_test.ts and scripts/bench_confirm.ts.
 */
import type { FaultOptions } from "../../lib/emulator/faults.ts";
import { numberStream } from "../../lib/util/hash.ts";
import { startRig } from "./emulated.ts";

/** What one trial found. */
export interface PowerTrialResult {
  readonly calls: number;
  /** Calls that returned a state the relay was not in when they returned. */
  readonly wrong: number;
  /** Toggles during which the relay switched more than once. */
  readonly doubleToggles: number;
  /** Toggles during which the relay did not switch at all. */
  readonly missedToggles: number;
  /** on()/off() calls during which the relay switched more than once. */
  readonly extraSwitches: number;
  /** Calls that threw (timeouts); their effects are not judged. */
  readonly failed: number;
  readonly ms: number;
  /** The first few wrong calls, for the reader: `socket#call op → returned, relay`. */
  readonly examples: string[];
}

/** 30 % loss both ways, 30 % duplicated and 30 % reordered replies (held back 40 ms). */
export function harshLink(seed: number): FaultOptions {
  return {
    seed,
    requestLoss: 0.3,
    replyLoss: 0.3,
    duplicate: 0.3,
    reorder: 0.3,
    reorderMs: 40,
    jitterMs: 3,
  };
}

/**
 * Runs `calls` random power calls spread over `sockets` emulated sockets (each socket's calls
 * back to back, the sockets in parallel). The calls and every socket's faults follow `seed`.
 */
export async function powerTrial(
  options: { seed: number; calls: number; sockets?: number; timeout?: number },
): Promise<PowerTrialResult> {
  const { seed, calls, sockets = 1, timeout = 15_000 } = options;
  await using rig = await startRig({
    count: sockets,
    timeout,
    emulator: (i) => ({ faults: harshLink(seed * 1000 + i) }),
  });
  const counts = {
    wrong: 0,
    doubleToggles: 0,
    missedToggles: 0,
    extraSwitches: 0,
    failed: 0,
  };
  const examples: string[] = [];
  const started = performance.now();
  await Promise.all(rig.sockets.map(async (socket, i) => {
    const emulator = rig.emulators[i]!;
    let switches = 0;
    emulator.onEvent((event) => {
      if (event.type === "relay") switches++;
    });
    const pick = numberStream(seed * 7919 + i);
    const share = Math.floor(calls / sockets) + (i < calls % sockets ? 1 : 0);
    for (let n = 0; n < share; n++) {
      const r = pick();
      const op = r < 1 / 3 ? "on" : r < 2 / 3 ? "off" : "toggle";
      const before = switches;
      let returned: boolean;
      try {
        returned =
          await (op === "on" ? socket.on() : op === "off" ? socket.off() : socket.toggle());
      } catch {
        counts.failed++;
        continue;
      }
      // Read synchronously, right as the call returns.
      const relay = emulator.device.on;
      const changed = switches - before;
      if (returned !== relay) {
        counts.wrong++;
        if (examples.length < 5) examples.push(`${i}#${n} ${op} → ${returned}, relay ${relay}`);
      }
      if (op === "toggle" && changed > 1) counts.doubleToggles++;
      if (op === "toggle" && changed === 0) counts.missedToggles++;
      if (op !== "toggle" && changed > 1) counts.extraSwitches++;
    }
  }));
  return { calls, ...counts, ms: performance.now() - started, examples };
}
