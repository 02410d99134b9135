// deno-lint-ignore-file no-console
/**
 * Power confirmations under attack (issue 13.2): random on/off/toggle calls, back to back per
 * socket, against emulated sockets on loopback with 30 % loss both ways, 30 % duplicated and
 * 30 % reordered replies. Prints how many calls returned a state the relay was not in at that
 * moment, how many toggles switched twice or not at all, and the time taken.
 *
 *   deno run -A scripts/bench_confirm.ts [--calls 10000] [--sockets 20] [--seed 1]
 */
import { powerTrial } from "../tests/helpers/power_trial.ts";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(Deno.args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} takes a whole number ≥ 1`);
    Deno.exit(2);
  }
  return value;
}

const calls = flag("calls", 10_000);
const sockets = flag("sockets", 20);
const seed = flag("seed", 1);
const result = await powerTrial({ seed, calls, sockets, timeout: 30_000 });
console.log(
  `confirm: ${result.calls} calls (seed ${seed}, ${sockets} sockets, 30 % loss, 30 % duplicates, ` +
    `30 % reordered): wrong ${result.wrong}, double toggles ${result.doubleToggles}, ` +
    `missed toggles ${result.missedToggles}, extra switches ${result.extraSwitches}, ` +
    `failed ${result.failed}, ${(result.ms / 1000).toFixed(1)} s ` +
    `(${(result.ms * sockets / result.calls).toFixed(0)} ms per call)`,
);
for (const example of result.examples) console.log(`  wrong: ${example}`);
