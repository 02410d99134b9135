/**
 * Restore after a power cut: a socket comes back from a power cut switched off. This puts it
 * back the way it was, unless the schedule's windows say what it should be (the daemon
 * restores those itself).
 *
 * In a schedule:
 *
 * ```yaml
 * automations:
 *   - script: ./automations/restore_after_power_cut.ts
 *     options: { sockets: [fridge, aquarium] }   # default: every socket of the schedule
 * ```
 *
 * Alone: `deno run --allow-net --allow-read --allow-env
 * scripts/automations/restore_after_power_cut.ts --schedule FILE [ALIAS...]`.
 *
 * @module
 */
import { type AutomationContext, runAlone } from "@s20/s20/automation";

/** Follows each socket's state; after a reboot, switches it back to its last state. */
export default async function restoreAfterPowerCut(
  { sockets, signal, log, options, schedule }: AutomationContext,
): Promise<void> {
  const glance = await schedule();
  const aliases = options.sockets
    ? [options.sockets].flat().map(String)
    : Object.keys(glance?.sockets ?? {});
  const handles = aliases.map((alias) => ({ alias, socket: sockets.socket(alias) }));
  /** The last state heard of each socket before it rebooted, by MAC. */
  const last = new Map<string, boolean>();
  await Promise.all(handles.map(async ({ alias, socket }) => {
    try {
      const on = await socket.state();
      if (socket.mac) last.set(socket.mac, on);
    } catch (error) {
      log(`${alias}: no state yet (${(error as Error).message})`, "warn");
    }
  }));
  log(`watching ${aliases.join(", ")}`);
  const keepAlive = handles.map((h) => h.socket);
  for await (const event of sockets.events({ signal, keepAlive })) {
    const entry = handles.find((h) => h.socket.mac === event.mac);
    if (!entry) continue;
    // A socket without power says nothing: the last state heard is the one before the cut.
    if (event.type === "state") last.set(event.mac, event.on);
    if (event.type !== "reboot") continue;
    const desired = (await schedule())?.sockets[entry.alias]?.desired ?? null;
    const was = last.get(event.mac);
    if (desired !== null) {
      log(`${entry.alias} rebooted; its schedule says ${desired}, which the daemon restores`);
    } else if (was === undefined) {
      log(`${entry.alias} rebooted; its state before is unknown, left as it is`);
    } else {
      await entry.socket.setPower(was);
      log(`${entry.alias} rebooted; switched back ${was ? "on" : "off"}`);
    }
  }
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--schedule");
  const schedule = at >= 0 ? args.splice(at, 2)[1] : undefined;
  await runAlone(restoreAfterPowerCut, {
    name: "restore_after_power_cut",
    options: args.length > 0 ? { sockets: args } : {},
    ...(schedule ? { schedule } : {}),
  });
}
