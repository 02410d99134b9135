/**
 * Kettle guard: a socket switched on by hand goes off again after some minutes, unless the
 * schedule switched it on (a window that says on now, or one of its events in the last two
 * minutes). Switching it off and on again starts the count anew.
 *
 * In a schedule:
 *
 * ```yaml
 * automations:
 *   - script: ./automations/kettle_guard.ts
 *     options: { socket: kettle, minutes: 20 }
 * ```
 *
 * Alone: `deno run --allow-net --allow-read --allow-env scripts/automations/kettle_guard.ts
 * [--schedule FILE] SOCKET [MINUTES]`.
 *
 * @module
 */
import { type AutomationContext, runAlone } from "@s20/s20/automation";

/** How close to an "on" event of the schedule a switch-on counts as the schedule's. */
const SCHEDULE_SLACK_MS = 120_000;

/** Switches `options.socket` off `options.minutes` (default 20) after a switch-on by hand. */
export default async function kettleGuard(context: AutomationContext): Promise<void> {
  const { sockets, signal, log, options } = context;
  const alias = String(options.socket);
  const minutes = Number(options.minutes ?? 20);
  const kettle = sockets.socket(alias);
  let guard: AbortController | null = null;
  log(`guarding ${alias}: off ${minutes} min after a switch-on by hand`);
  for await (const event of sockets.events({ signal, keepAlive: [kettle] })) {
    if (event.type !== "state" || event.mac !== kettle.mac) continue;
    guard?.abort();
    guard = null;
    if (!event.on) continue;
    if (await byTheSchedule(context, alias, event.at)) {
      log(`${alias} on by the schedule: not guarded`);
      continue;
    }
    guard = new AbortController();
    log(`${alias} on: off in ${minutes} min unless switched off before`);
    void guardFor(context, kettle, minutes, guard.signal);
  }
}

async function byTheSchedule(
  { schedule }: AutomationContext,
  alias: string,
  at: Date,
): Promise<boolean> {
  const glance = await schedule();
  if (!glance) return false;
  if (glance.sockets[alias]?.desired === "on") return true;
  return glance.recentEvents.some((e) =>
    e.socket === alias && e.action === "on" &&
    Math.abs(Date.parse(e.at) - at.getTime()) <= SCHEDULE_SLACK_MS
  );
}

async function guardFor(
  { sleep, log }: AutomationContext,
  kettle: ReturnType<AutomationContext["sockets"]["socket"]>,
  minutes: number,
  signal: AbortSignal,
): Promise<void> {
  try {
    await sleep(minutes * 60_000, signal);
    await kettle.off();
    log(`switched off after ${minutes} min on`);
  } catch (error) {
    if (!signal.aborted) log(`cannot switch off: ${(error as Error).message}`, "warn");
  }
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--schedule");
  const schedule = at >= 0 ? args.splice(at, 2)[1] : undefined;
  await runAlone(kettleGuard, {
    name: "kettle_guard",
    options: { socket: args[0], minutes: Number(args[1] ?? 20) },
    ...(schedule ? { schedule } : {}),
  });
}
