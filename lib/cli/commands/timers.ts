import type { CommandContext, CommandSpec } from "../command.ts";
import { TimerNotFoundError, UsageError } from "../usage_error.ts";
import { wholeNumberIn } from "../../util/whole_number.ts";
import { labelOf } from "./_each.ts";
import { maskDays, type TimerSpec, timerView, timerWhen } from "../../client/timer_spec.ts";
import { parseDays } from "../../schedule/days.ts";
import { integerFlag } from "../args.ts";
import { nextTimerFire } from "../../client/timer_next.ts";
import { zoneOffsetMinutes } from "../../protocol/zone.ts";
import type { TimerRecord } from "../../protocol/records.ts";
import { ownerOf, ownerRule } from "../../scheduler/owned_timers.ts";
import type { Rule } from "../../schedule/types.ts";
import type { Output } from "../output.ts";
import { readSchedule } from "./schedule.ts";

/** A table-3 record as JSON (shared with the scheduler's reports). */
export const timerJson = timerView;

async function one(ctx: CommandContext) {
  const [target] = await ctx.resolve(ctx.positionals.slice(0, 1));
  return target!;
}

const SOCKET = { min: 1, max: 1, name: "socket" } as const;

/** Who a record belongs to, for the OWNER column. */
function ownerText(record: TimerRecord, rules: readonly Rule[] | null): string {
  const id = ownerOf(record);
  if (id === null) return "-";
  if (rules === null) return `s20 rule ${id}`;
  const rule = ownerRule(record, rules);
  return rule === null
    ? `s20 rule ${id} (not in the schedule)`
    : `schedule (${rule.name ?? rule.id})`;
}

/** The NEXT column: the local time with its offset, or `-` for a record that will not fire. */
function nextText(out: Output, next: number | null): string {
  return next === null ? "-" : out.time(next);
}

const list: CommandSpec = {
  name: "list",
  summary: "list a socket's timers, who owns each and when it next fires",
  usage: "timers list SOCKET [--schedule FILE]",
  description: "NEXT is when each record next fires (from the socket's time zone, in yours).\n" +
    "OWNER marks the records a schedule wrote: with --schedule FILE (or 'schedule:' in the\n" +
    "config), the rule that owns each one.",
  examples: [
    "s20 timers list desk",
    "s20 timers list desk --schedule schedules.yaml",
    "s20 timers list desk --json",
  ],
  network: true,
  positionals: SOCKET,
  async run(ctx) {
    const target = await one(ctx);
    const [timers, data] = await ctx.out.progress(
      "Reading timers",
      (async () => [await target.socket.timers(), await target.socket.info()] as const)(),
    );
    const path = ctx.schedulePath();
    const rules = path === null ? null : readSchedule(ctx, path).rules;
    const now = ctx.clock.now();
    const offset = zoneOffsetMinutes(data);
    const rows = timers.map((t) => {
      const next = nextTimerFire(t, now, offset);
      const rule = ownerOf(t);
      return {
        record: t,
        next,
        json: {
          ...timerJson(t),
          next: next === null ? null : new Date(next).toISOString(),
          rule,
          owned: rules === null ? null : ownerRule(t, rules) !== null,
        },
      };
    });
    ctx.out.data({ target: target.label, timers: rows.map((r) => r.json) });
    if (timers.length === 0) {
      ctx.out.line(`${labelOf(target)}: no timers`);
      return;
    }
    ctx.out.table(
      ["ID", "ACTION", "TIME", "WHEN", "NEXT", "OWNER"],
      rows.map(({ record, next, json }) => [
        String(record.id),
        ctx.out.state(record.on),
        json.time,
        timerWhen(json),
        nextText(ctx.out, next),
        ownerText(record, rules),
      ]),
    );
  },
};

const add: CommandSpec = {
  name: "add",
  summary: "add a timer (socket local time)",
  usage: "timers add SOCKET (--on TIME | --off TIME) (--days DAYS | --date YYYY-MM-DD) [--id N]",
  description: "Times are in the socket's own time zone (see 's20 timezone'). DAYS: mon-fri,\n" +
    "weekends, daily, or lists such as mon,wed,fri.",
  examples: [
    "s20 timers add desk --on 07:30 --days mon-fri",
    "s20 timers add desk --off 23:00 --days daily",
    "s20 timers add porch --off 01:00 --date 2026-12-31",
  ],
  network: true,
  positionals: SOCKET,
  options: {
    on: { type: "string", value: "TIME", description: "switch on at HH:MM[:SS]" },
    off: { type: "string", value: "TIME", description: "switch off at HH:MM[:SS]" },
    days: { type: "string", value: "DAYS", description: "repeat weekly on these days" },
    date: { type: "string", value: "DATE", description: "fire once on YYYY-MM-DD" },
    id: { type: "string", value: "N", description: "record id 1–65535 (default: a free one)" },
  },
  async run(ctx) {
    const on = ctx.string("on");
    const off = ctx.string("off");
    if ((on === undefined) === (off === undefined)) {
      throw new UsageError("give exactly one of --on TIME or --off TIME", "timers add");
    }
    const days = ctx.string("days");
    const date = ctx.string("date");
    if ((days === undefined) === (date === undefined)) {
      throw new UsageError(
        "give exactly one of --days DAYS (weekly) or --date YYYY-MM-DD (once)",
        "timers add",
      );
    }
    let spec: TimerSpec = { on: on !== undefined, time: (on ?? off)! };
    if (days !== undefined) {
      const parsed = parseDays([days]);
      if (parsed.error !== undefined) throw new UsageError(`--days: ${parsed.error}`, "timers add");
      spec = { ...spec, days: maskDays(parsed.value) };
    } else spec = { ...spec, date: date! };
    const id = integerFlag(ctx.string("id"), "id", 1, 65535);
    if (id !== undefined) spec = { ...spec, id };
    const target = await one(ctx);
    const record = await ctx.out.progress("Adding timer", target.socket.addTimer(spec));
    const j = timerJson(record);
    ctx.out.line(
      `${labelOf(target)}: timer ${record.id} ${j.action} at ${j.time}, ${timerWhen(j)}`,
    );
    ctx.out.data({ target: target.label, timer: j });
  },
};

const rm: CommandSpec = {
  name: "rm",
  summary: "remove a timer by id",
  usage: "timers rm SOCKET ID",
  examples: ["s20 timers rm desk 28876"],
  network: true,
  positionals: { min: 2, max: 2, name: "argument" },
  async run(ctx) {
    const raw = ctx.positionals[1]!;
    const id = wholeNumberIn(raw, 0, 65535);
    if (id === null) {
      throw new UsageError(
        `timers rm: ID '${raw}' must be a whole number from 0 to 65535, as 's20 timers list' shows`,
        "timers rm",
      );
    }
    const target = await one(ctx);
    const timers = await ctx.out.progress("Reading timers", target.socket.timers());
    if (!timers.some((t) => t.id === id)) {
      // The library's removal is idempotent; a person naming a missing id has made a mistake.
      throw new TimerNotFoundError(
        `timers rm: timer ${id} not found on ${labelOf(target)}; ` +
          (timers.length === 0
            ? "it has no timers"
            : `its timers are ${timers.map((t) => t.id).join(", ")}`),
      );
    }
    await ctx.out.progress("Removing timer", target.socket.removeTimer(id));
    ctx.out.line(`${labelOf(target)}: timer ${id} removed`);
    ctx.out.data({ target: target.label, removed: id });
  },
};

const clear: CommandSpec = {
  name: "clear",
  summary: "remove every timer of a socket",
  usage: "timers clear SOCKET",
  examples: ["s20 timers clear desk"],
  network: true,
  positionals: SOCKET,
  async run(ctx) {
    const target = await one(ctx);
    const removed = await ctx.out.progress("Removing timers", target.socket.clearTimers());
    ctx.out.line(`${labelOf(target)}: ${removed} timer${removed === 1 ? "" : "s"} removed`);
    ctx.out.data({ target: target.label, removed });
  },
};

export const timersCommand: CommandSpec = {
  name: "timers",
  summary: "list, add and remove the socket's own timers",
  usage: "timers (list | add | rm | clear) SOCKET ...",
  description: "Timers live in the socket (table 3) and run without this computer, on the\n" +
    "socket's clock and time zone. For sun times, holidays and DST, use 's20 schedule'.",
  examples: ["s20 timers list desk", "s20 timers add desk --on 07:30 --days mon-fri"],
  subcommands: [list, add, rm, clear],
};
