import type { CommandContext, CommandSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import { eachTarget, labelOf, report } from "./_each.ts";
import { socketDataJson } from "./info.ts";
import { ICONS } from "../../client/types.ts";
import { formatOffset, zoneOffsetMinutes } from "../../protocol/zone.ts";

async function one(ctx: CommandContext) {
  const [target] = await ctx.resolve(ctx.positionals.slice(0, 1));
  return target!;
}

export const renameCommand: CommandSpec = {
  name: "rename",
  summary: "set a socket's name",
  usage: "rename SOCKET NAME",
  description: "Writes the name the vendor app shows (1–16 bytes). Every other setting is kept\n" +
    "byte for byte.",
  examples: ['s20 rename ac:cf:23:24:19:c0 "Desk lamp"'],
  network: true,
  positionals: { min: 2, max: 2, name: "argument" },
  async run(ctx) {
    const target = await one(ctx);
    const data = await ctx.out.progress("Renaming", target.socket.rename(ctx.positionals[1]!));
    ctx.out.line(`${labelOf(target)}: renamed to "${data.name}"`);
    ctx.out.data({ target: target.label, ...socketDataJson(data) });
  },
};

export const iconCommand: CommandSpec = {
  name: "icon",
  summary: "set the icon the vendor app shows",
  usage: `icon SOCKET ICON`,
  description: `ICON is 0–5 or one of: ${Object.keys(ICONS).join(", ")}.`,
  examples: ["s20 icon desk bulb", "s20 icon hall 1"],
  network: true,
  positionals: { min: 2, max: 2, name: "argument" },
  async run(ctx) {
    const target = await one(ctx);
    const raw = ctx.positionals[1]!;
    const icon = /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof icon === "string" && !(icon in ICONS)) {
      throw new UsageError(
        `unknown icon '${raw}'; use 0–5 or ${Object.keys(ICONS).join(", ")}`,
        "icon",
      );
    }
    const data = await ctx.out.progress("Setting icon", target.socket.setIcon(icon as number));
    ctx.out.line(`${labelOf(target)}: icon ${data.icon}`);
    ctx.out.data({ target: target.label, ...socketDataJson(data) });
  },
};

/** `+05:30`, `-3`, `UTC+1`, `0` → minutes; `null` if not an offset. */
function parseOffset(text: string): number | null {
  const match = /^(?:UTC|GMT)?([+-])?(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

export const timezoneCommand: CommandSpec = {
  name: "timezone",
  summary: "set the time zone the socket's timers run in",
  usage: "timezone SOCKET ZONE [--dst]",
  description: "ZONE is an IANA name (Europe/London: its current offset, DST included) or an\n" +
    "offset such as +05:30 or -3 (add --dst when the offset includes daylight saving time).\n" +
    "The socket stores an offset, not rules: 's20 schedule run' re-sets it at DST changes.\n" +
    "Quarter-hour zones such as Asia/Kathmandu cannot be set on an S20.",
  examples: [
    "s20 timezone desk Europe/London",
    "s20 timezone desk +05:30",
    "s20 timezone desk +1 --dst",
  ],
  network: true,
  positionals: { min: 2, max: 2, name: "argument" },
  options: { dst: { type: "boolean", description: "the offset includes one hour of DST" } },
  async run(ctx) {
    const target = await one(ctx);
    const zone = ctx.positionals[1]!;
    const offset = parseOffset(zone);
    if (offset === null && !zone.includes("/") && zone !== "UTC") {
      throw new UsageError(
        `'${zone}' is neither an IANA zone (Area/City) nor an offset like +05:30`,
        "timezone",
      );
    }
    const data = await ctx.out.progress(
      "Setting time zone",
      target.socket.setTimeZone(offset ?? zone, { dst: ctx.bool("dst") }),
    );
    ctx.out.line(
      `${labelOf(target)}: time zone UTC${formatOffset(zoneOffsetMinutes(data))}${
        data.dst ? " (DST on)" : ""
      }`,
    );
    ctx.out.data({ target: target.label, ...socketDataJson(data) });
  },
};

function lockCommand(lock: boolean): CommandSpec {
  return {
    name: lock ? "lock" : "unlock",
    summary: lock
      ? "hide sockets from global discovery"
      : "make sockets answer global discovery again",
    usage: `${lock ? "lock" : "unlock"} SOCKET... | --all`,
    description: lock
      ? "A locked socket ignores the global discovery probe (qa) but still answers a probe\n" +
        "that names its MAC; find it again with 's20 discover --target MAC@IP'."
      : "Undoes 's20 lock'.",
    examples: [`s20 ${lock ? "lock" : "unlock"} desk`],
    network: true,
    positionals: { min: 0, name: "socket" },
    options: { all: { type: "boolean", description: "every socket discovery finds" } },
    async run(ctx) {
      const targets = await ctx.resolve(ctx.positionals, { all: ctx.bool("all") });
      const outcomes = await ctx.out.progress(
        lock ? "Locking" : "Unlocking",
        eachTarget(targets, (t) => lock ? t.socket.lock() : t.socket.unlock()),
      );
      for (const o of outcomes) {
        if (o.error === undefined) {
          ctx.out.line(`${labelOf(o.target)}: ${lock ? "locked" : "unlocked"}`);
        }
      }
      return report(ctx, outcomes, (d) => ({ discoverable: d.discoverable }));
    },
  };
}

export const lockCommandSpec: CommandSpec = lockCommand(true);
export const unlockCommandSpec: CommandSpec = lockCommand(false);

/** `90`, `90s`, `15m`, `1h30m` → seconds; `null` if not a duration. */
export function parseSeconds(text: string): number | null {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  if (!match || text.trim() === "" || !match.slice(1).some((x) => x !== undefined)) return null;
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

/** The socket keeps countdowns and auto-off in 16 bits of seconds. */
const MAX_SECONDS = 0xffff;

/**
 * A DURATION argument of `countdown` or `autooff`, checked before any network wait:
 * 1 s to 18h12m15s.
 */
export function durationArg(text: string, command: string, or = ""): number {
  const seconds = parseSeconds(text);
  if (seconds === null || seconds < 1) {
    throw new UsageError(
      `${command}: '${text}' must be a duration of 1 s or more, such as 90, 15m or 1h30m${or}`,
      command,
    );
  }
  if (seconds > MAX_SECONDS) {
    throw new UsageError(
      `${command}: '${text}' is longer than the socket can count, 18h12m15s (${MAX_SECONDS} s)`,
      command,
    );
  }
  return seconds;
}

export const autooffCommand: CommandSpec = {
  name: "autooff",
  summary: "show or set auto-off after switch-on",
  usage: "autooff SOCKET [DURATION | off]",
  description: "With auto-off, every switch-on starts a countdown that switches the socket off\n" +
    "again. DURATION is seconds or 90s, 15m, 1h30m (at most 18h12m15s).",
  examples: ["s20 autooff heater", "s20 autooff heater 30m", "s20 autooff heater off"],
  network: true,
  positionals: { min: 1, max: 2, name: "argument" },
  async run(ctx) {
    const arg = ctx.positionals[1];
    const seconds = arg === undefined || arg === "off"
      ? null
      : durationArg(arg, "autooff", ", or 'off'");
    const target = await one(ctx);
    if (arg === undefined) {
      const current = await ctx.out.progress("Reading auto-off", target.socket.autoOff());
      ctx.out.line(
        `${labelOf(target)}: auto-off ${current === null ? "off" : `after ${current} s`}`,
      );
      ctx.out.data({ target: target.label, autoOff: current });
      return;
    }
    const data = await ctx.out.progress("Setting auto-off", target.socket.setAutoOff(seconds));
    const value = data.autoOffEnabled ? data.autoOffSeconds : null;
    ctx.out.line(`${labelOf(target)}: auto-off ${value === null ? "off" : `after ${value} s`}`);
    ctx.out.data({ target: target.label, autoOff: value });
  },
};
