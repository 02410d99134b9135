/**
 * Daily report of clock skew: once a day at a set local time, reads every socket's clock and
 * writes one line with how far each is off (a socket fires its own timers by its clock, so a
 * drifting one fires late or early; the daemon corrects more than 2 s when it checks).
 *
 * In a schedule:
 *
 * ```yaml
 * automations:
 *   - script: ./automations/clock_skew_report.ts
 *     options: { at: "08:00" }   # local time in the schedule's zone; default 08:00
 * ```
 *
 * Alone: `deno run --allow-net --allow-read --allow-env scripts/automations/clock_skew_report.ts
 * --schedule FILE [HH:MM]`.
 *
 * @module
 */
import { type AutomationContext, runAlone } from "@s20/s20/automation";

/** Every day at `options.at`, logs each socket's clock skew. */
export default async function clockSkewReport(context: AutomationContext): Promise<void> {
  const { log, sleep, now, schedule, options } = context;
  const at = Temporal.PlainTime.from(String(options.at ?? "08:00"));
  log(`reporting clock skew daily at ${at.toString({ smallestUnit: "minute" })}`);
  for (;;) {
    const glance = await schedule();
    const zone = glance?.timezone ?? Temporal.Now.timeZoneId();
    const here = Temporal.Instant.fromEpochMilliseconds((await now()).getTime())
      .toZonedDateTimeISO(zone);
    let next = here.withPlainTime(at);
    if (Temporal.ZonedDateTime.compare(next, here) <= 0) next = next.add({ days: 1 });
    await sleep(next.epochMilliseconds - here.epochMilliseconds);
    log(`clock skew: ${await report(context, Object.keys(glance?.sockets ?? {}))}`);
  }
}

async function report({ sockets }: AutomationContext, aliases: string[]): Promise<string> {
  if (aliases.length === 0) return "no sockets in the schedule";
  const parts = await Promise.all(aliases.map(async (alias) => {
    try {
      const reading = await sockets.socket(alias).clock();
      if (reading.skewMs === null) return `${alias} unset`;
      const seconds = reading.skewMs / 1000;
      return `${alias} ${seconds >= 0 ? "+" : ""}${seconds.toFixed(1)} s`;
    } catch (error) {
      return `${alias} unreadable (${(error as Error).message})`;
    }
  }));
  return parts.join(", ");
}

if (import.meta.main) {
  const args = [...Deno.args];
  const at = args.indexOf("--schedule");
  const schedule = at >= 0 ? args.splice(at, 2)[1] : undefined;
  await runAlone(clockSkewReport, {
    name: "clock_skew_report",
    options: { at: args[0] ?? "08:00" },
    ...(schedule ? { schedule } : {}),
  });
}
