/**
 * Linked switches: when one socket switches (its button, the app, a timer), the others follow.
 * A desk lamp's button then works the hall light as well.
 *
 * In a schedule:
 *
 * ```yaml
 * automations:
 *   - script: ./automations/linked_switches.ts
 *     options: { from: desk, to: [hall] }   # aliases of `sockets:`, MACs or addresses
 * ```
 *
 * Alone, against the daemon or over UDP:
 * `deno run --allow-net --allow-read --allow-env scripts/automations/linked_switches.ts desk hall`
 * (with `--schedule FILE` first to use its aliases).
 *
 * @module
 */
import { type AutomationContext, runAlone } from "@s20/s20/automation";

/** Follows `options.from` and switches every socket of `options.to` to the same state. */
export default async function linkedSwitches(
  { sockets, signal, log, options }: AutomationContext,
): Promise<void> {
  const from = sockets.socket(String(options.from));
  const to = [options.to ?? []].flat().map((target) => sockets.socket(String(target)));
  log(`linking ${options.from} to ${[options.to].flat().join(", ")}`);
  for await (const event of sockets.events({ signal, keepAlive: [from] })) {
    if (event.type !== "state" || event.mac !== from.mac) continue;
    const results = await Promise.allSettled(to.map((socket) => socket.setPower(event.on)));
    results.forEach((result, i) => {
      if (result.status === "rejected") {
        log(`cannot switch ${[options.to].flat()[i]}: ${result.reason.message}`, "warn");
      }
    });
  }
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--schedule");
  const schedule = at >= 0 ? args.splice(at, 2)[1] : undefined;
  await runAlone(linkedSwitches, {
    name: "linked_switches",
    options: { from: args[0], to: args.slice(1) },
    ...(schedule ? { schedule } : {}),
  });
}
