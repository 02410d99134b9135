/** `s20 schedule check|plan|sync|run`: the schedule language and the daemon. */
import type { CommandContext, CommandSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import { integerFlag } from "../args.ts";
import { readTextFileStrict } from "../../util/read_text_file.ts";
import { checkSchedule } from "../../schedule/parse_schedule.ts";
import type { Schedule } from "../../schedule/types.ts";
import { ScheduleError } from "../../schedule/schedule_error.ts";
import { ISSUES_SHOWN } from "../../schedule/limits.ts";
import { plan } from "../../schedule/plan.ts";
import { formatPlanText } from "../../schedule/format_plan_text.ts";
import { planSunLines, planSvg } from "../../schedule/plan_svg.ts";
import { resolveSockets } from "../../scheduler/resolve_sockets.ts";
import { type SocketSyncReport, syncSchedule } from "../../scheduler/sync.ts";
import { SchedulerDaemon } from "../../scheduler/daemon.ts";
import { automationFileIssues } from "../../scheduler/automation_files.ts";
import { checkAutomationTypes } from "../../scheduler/automation_types.ts";
import { formatLogJson, formatLogText } from "../../scheduler/log_entry.ts";
import { timerWhen } from "../../client/timer_spec.ts";
import type { ApiServer } from "../../api/server.ts";
import type { MqttBridge } from "../../mqtt/bridge.ts";
import { announceApi, API_OPTIONS, startApiFromFlags, untilStopped } from "./serve.ts";
import { MQTT_OPTIONS, planMqtt, startMqtt } from "./_mqtt.ts";

/** Reads and checks a schedule file; prints every issue and throws a usage error if any. */
export function readSchedule(_ctx: CommandContext, file: string): Schedule {
  let text: string;
  try {
    text = readTextFileStrict(file, { what: "schedule file" });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(`schedule file '${file}' does not exist`, "schedule");
    }
    throw error;
  }
  const { schedule, issues } = checkSchedule(text, { file });
  if (schedule === null || issues.length > 0) throw new ScheduleError(issues);
  const missing = automationFileIssues(schedule, file);
  if (missing.length > 0) throw new ScheduleError(missing);
  return schedule;
}

const FILE = { min: 1, max: 1, name: "schedule file" } as const;

const check: CommandSpec = {
  name: "check",
  summary: "validate a schedule file (touches no socket)",
  usage: "schedule check FILE",
  description: "Reports every error with file:line:column, what is wrong and how to fix it.\n" +
    "Automations are type-checked with 'deno check' (a wrong default export is an error).\n" +
    "Exits 0 when the file is valid and 2 otherwise.",
  examples: ["s20 schedule check schedules.yaml", "s20 schedule check schedules.yaml --json"],
  positionals: FILE,
  async run(ctx) {
    const file = ctx.positionals[0]!;
    try {
      const schedule = readSchedule(ctx, file);
      const typed = await checkAutomationTypes(schedule, file);
      if ("skipped" in typed) {
        ctx.out.warn(`s20: note: automations not type-checked: ${typed.skipped}`);
      } else if (typed.issues.length > 0) throw new ScheduleError(typed.issues);
      const rules = schedule.rules.length;
      const sockets = Object.keys(schedule.sockets).length;
      ctx.out.data({ file, valid: true, rules, sockets, errors: [] });
      ctx.out.line(
        `${file}: valid (${rules} rule${rules === 1 ? "" : "s"}, ${sockets} socket${
          sockets === 1 ? "" : "s"
        }, zone ${schedule.timezone}${
          schedule.automations.length > 0
            ? `, ${schedule.automations.length} automation${
              schedule.automations.length === 1 ? "" : "s"
            } ${"skipped" in typed ? "not type-checked" : "type-checked"}`
            : ""
        })`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof ScheduleError) || !ctx.out.json) throw error;
      const more = error.issues.length - ISSUES_SHOWN;
      ctx.out.data({
        file,
        valid: false,
        errors: error.issues.slice(0, ISSUES_SHOWN),
        ...(more > 0 ? { moreErrors: more } : {}),
      });
      return 2;
    }
  },
};

const planCommand: CommandSpec = {
  name: "plan",
  summary: "show the concrete events of the coming days",
  usage: "schedule plan FILE [--days N] [--from YYYY-MM-DD] [--svg PATH]",
  description:
    "Expands the rules into events in the schedule's zone: local time, socket, action,\n" +
    "rule, whether the socket's own timers or this host will run it (and why), skipped days,\n" +
    "DST changes and a timeline per socket. Touches no socket. --svg also draws the days as\n" +
    "a picture: a row per socket, on-times as bars, sunrise and sunset lines.",
  examples: [
    "s20 schedule plan schedules.yaml",
    "s20 schedule plan schedules.yaml --days 30 --from 2026-12-01",
    "s20 schedule plan schedules.yaml --json",
    "s20 schedule plan schedules.yaml --svg week.svg",
  ],
  positionals: FILE,
  options: {
    days: { type: "string", value: "N", description: "number of days (default 7)" },
    from: { type: "string", value: "DATE", description: "first day, YYYY-MM-DD (default today)" },
    capacity: { type: "string", value: "N", description: "timer records per socket (default 32)" },
    svg: { type: "string", value: "PATH", description: "also write the days as a picture (SVG)" },
  },
  async run(ctx) {
    const schedule = readSchedule(ctx, ctx.positionals[0]!);
    const days = integerFlag(ctx.string("days"), "days", 1, 3660) ?? 7;
    const capacity = integerFlag(ctx.string("capacity"), "capacity", 0, 255) ?? 32;
    const from = ctx.string("from") ??
      Temporal.Instant.fromEpochMilliseconds(ctx.clock.now()).toZonedDateTimeISO(schedule.timezone)
        .toPlainDate().toString();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) {
      throw new UsageError(`--from must be a date as YYYY-MM-DD, got '${from}'`, "schedule plan");
    }
    const result = plan(schedule, { from, days, capacity });
    const svg = ctx.string("svg");
    if (svg !== undefined) {
      const now = Temporal.Instant.fromEpochMilliseconds(ctx.clock.now());
      await Deno.writeTextFile(svg, planSvg(result, { sun: planSunLines(schedule, result), now }));
    }
    ctx.out.data(result);
    // Text on a terminal or into a file ends with a newline, as every other command's output.
    if (!ctx.out.json) ctx.io.stdout(formatPlanText(result) + "\n");
    return 0;
  },
};

function timersLine(t: NonNullable<SocketSyncReport["timers"]>): string {
  return `+${t.add.length} add, ~${t.modify.length} change, -${t.remove.length} remove, ${t.unchanged} unchanged` +
    (t.foreign ? `, ${t.foreign} not ours` : "");
}

const sync: CommandSpec = {
  name: "sync",
  summary: "write the schedule into the sockets' own timers",
  usage: "schedule sync FILE [--dry-run] [--prune]",
  description:
    "Sets each socket's clock (if unset or more than 2 s off) and time zone, then makes\n" +
    "its timer table hold the schedule's records: weekly timers for fixed times, one-shot\n" +
    "timers for sun, random and dated rules over the next 7 days. Timers other programs made\n" +
    "are kept unless --prune. Writes are read back. A second sync writes nothing.",
  examples: [
    "s20 schedule sync schedules.yaml --dry-run",
    "s20 schedule sync schedules.yaml",
    "s20 schedule sync schedules.yaml --prune --json",
  ],
  network: true,
  positionals: FILE,
  options: {
    "dry-run": { type: "boolean", description: "show the changes, make none" },
    prune: { type: "boolean", description: "also remove timers this schedule does not own" },
    horizon: { type: "string", value: "DAYS", description: "days of one-shot timers (default 7)" },
    capacity: { type: "string", value: "N", description: "timer records per socket (default 32)" },
  },
  async run(ctx) {
    const schedule = readSchedule(ctx, ctx.positionals[0]!);
    const controller = ctx.client(socketAddresses(schedule));
    const sockets = await ctx.out.progress(
      "Finding sockets",
      resolveSockets(schedule, controller, { timeout: Math.min(ctx.timeoutMs, 3000) }),
    );
    const dryRun = ctx.bool("dry-run");
    const report = await ctx.out.progress(
      dryRun ? "Comparing" : "Syncing",
      syncSchedule(schedule, sockets, {
        now: new Date(ctx.clock.now()),
        dryRun,
        prune: ctx.bool("prune"),
        horizonDays: integerFlag(ctx.string("horizon"), "horizon", 0, 60) ?? 7,
        capacity: integerFlag(ctx.string("capacity"), "capacity", 0, 255) ?? 32,
      }),
    );
    const { plan: _, ...rest } = report;
    ctx.out.data(rest);
    if (!report.deviceCapable) {
      ctx.out.warn(
        `note: ${schedule.timezone} cannot be set on an S20 (quarter-hour offset); every event runs from the host`,
      );
    }
    for (const s of report.sockets) {
      if (s.error) {
        ctx.out.line(`${s.socket}: ${ctx.out.red("failed")}: ${s.error.message}`);
        continue;
      }
      const verb = dryRun ? "would set" : "set";
      const parts = [
        s.clock?.set
          ? `clock ${verb} (${
            s.clock.skewMs === null ? "was unset" : `${(s.clock.skewMs / 1000).toFixed(1)} s off`
          })`
          : "clock ok",
        s.zone
          ? (s.zone.set ? `zone ${s.zone.before} → ${s.zone.after}` : `zone ${s.zone.after}`)
          : "",
        `timers ${timersLine(s.timers!)}`,
        dryRun ? "" : s.verified ? "verified" : ctx.out.red("NOT verified"),
      ].filter(Boolean);
      ctx.out.line(`${ctx.out.bold(s.socket)} (${s.mac ?? "?"}): ${parts.join("; ")}`);
      if (dryRun) {
        for (const t of s.timers!.add) {
          ctx.out.line(`  + ${t.id} ${t.action} ${t.time} ${timerWhen(t)}`);
        }
        for (const t of s.timers!.modify) {
          ctx.out.line(`  ~ ${t.id} ${t.action} ${t.time} ${timerWhen(t)}`);
        }
        for (const t of s.timers!.remove) {
          ctx.out.line(`  - ${t.id} ${t.action} ${t.time} ${timerWhen(t)}`);
        }
      }
    }
    if (report.sockets.some((s) => s.error && s.error.code === "DEVICE_NOT_FOUND")) return 3;
    return report.sockets.some((s) => s.error || (!dryRun && !s.verified)) ? 1 : 0;
  },
};

const runCommand: CommandSpec = {
  name: "run",
  summary: "run the schedule (the daemon)",
  usage: "schedule run FILE [--state PATH] [--log-format text|json]",
  description:
    "Keeps the sockets' own timers in sync (daily, at every DST change, after a socket\n" +
    "restarts), fires from this host what the sockets cannot hold, sets windows to the state\n" +
    "they should have at start, fires events missed while it was down within their catch-up\n" +
    "grace, checks the sockets after their own timers fire, and reloads the file when it\n" +
    "changes or on SIGHUP (a broken file is reported; the old schedule keeps running).\n" +
    "It owns UDP port 10000 and serves the local API, as 's20 serve' does, so other s20\n" +
    "commands and scripts work meanwhile (through it). Stop it with Ctrl-C or SIGTERM.",
  examples: [
    "s20 schedule run schedules.yaml",
    "s20 schedule run schedules.yaml --log-format json --state /var/lib/s20/state.json",
    "s20 schedule run schedules.yaml --no-watch   # reload only on SIGHUP",
  ],
  network: true,
  ownsPort: true,
  positionals: FILE,
  options: {
    ...API_OPTIONS,
    ...MQTT_OPTIONS,
    "no-api": {
      type: "boolean",
      description: "serve no API (other s20 commands then cannot reach the sockets)",
    },
    state: {
      type: "string",
      value: "PATH",
      description: "where to remember fired events (default next to the file)",
    },
    "log-format": {
      type: "string",
      value: "FORMAT",
      description: "text (default) or json (one object per line)",
    },
    horizon: { type: "string", value: "DAYS", description: "days of one-shot timers (default 7)" },
    "no-watch": {
      type: "boolean",
      description: "do not reload when the file changes (SIGHUP still does)",
    },
  },
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const schedule = readSchedule(ctx, file);
    const format = ctx.string("log-format") ?? (ctx.out.json ? "json" : "text");
    if (format !== "text" && format !== "json") {
      throw new UsageError("--log-format must be 'text' or 'json'", "schedule run");
    }
    const statePath = ctx.string("state") ?? `${file.replace(/\.ya?ml$/i, "")}.state.json`;
    const mqtt = planMqtt(ctx, file);
    const client = ctx.client(socketAddresses(schedule));
    const controller = mqtt ? mqtt.tracker.wrap(client) : client;
    const daemon = new SchedulerDaemon({
      file,
      schedule,
      controller,
      clock: ctx.clock,
      statePath,
      horizonDays: integerFlag(ctx.string("horizon"), "horizon", 0, 60) ?? 7,
      watch: !ctx.bool("no-watch"),
      log: (entry) =>
        ctx.io.stdout(
          (format === "json"
            ? formatLogJson(entry)
            : formatLogText(entry, { timeZone: ctx.out.timeZone })) + "\n",
        ),
    });
    // Served before the first sync, so other commands work while it runs.
    const api: ApiServer | null = ctx.bool("no-api")
      ? null
      : await startApiFromFlags(ctx, controller, daemon);
    let bridge: MqttBridge | null = null;
    const hangup = () => void daemon.reload();
    try {
      Deno.addSignalListener("SIGHUP", hangup);
    } catch {
      // No SIGHUP on this platform: the file watch still reloads.
    }
    try {
      if (api) announceApi(ctx, api, controller, { json: false });
      await daemon.start();
      bridge = mqtt ? await startMqtt(ctx, mqtt, controller, { daemon, schedule: file }) : null;
      await untilStopped(ctx.io.signal);
    } finally {
      await bridge?.close();
      try {
        Deno.removeSignalListener("SIGHUP", hangup);
      } catch {
        // Never added.
      }
      // The API first: no request may reach a client the daemon is done with.
      await api?.close();
      await daemon.stop();
    }
  },
};

/** The schedule's socket IPs, to pick the local address (loopback sockets: 127.0.0.1). */
function socketAddresses(schedule: Schedule): string[] {
  const ips = Object.values(schedule.sockets).map((s) => s.ip ?? "0.0.0.0");
  return ips.length > 0 ? ips : ["0.0.0.0"];
}

export const scheduleCommand: CommandSpec = {
  name: "schedule",
  summary: "check, plan, sync and run schedules",
  usage: "schedule (check | plan | sync | run) FILE ...",
  description:
    "A schedule file says when each socket is on: times, weekdays, sunrise and sunset\n" +
    "with offsets, dates, cron. See schedules.example.yaml.",
  examples: [
    "s20 schedule check schedules.yaml",
    "s20 schedule plan schedules.yaml --days 7",
    "s20 schedule sync schedules.yaml --dry-run",
    "s20 schedule run schedules.yaml",
  ],
  subcommands: [check, planCommand, sync, runCommand],
};
