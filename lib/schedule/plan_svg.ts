import { sunTime } from "./sun_time.ts";
import type { Plan, PlannedEvent } from "./plan_types.ts";
import type { Schedule } from "./types.ts";

/**
 * The sunrise and sunset of one day of a plan, for {@linkcode planSvg}; `null` where the sun
 * does not rise or set that day.
 *
 * @example
 * ```ts
 * import type { SunLine } from "@s20/s20/schedule";
 *
 * const day: SunLine = {
 *   date: "2026-06-21",
 *   sunrise: Temporal.Instant.from("2026-06-21T03:43:00Z"),
 *   sunset: Temporal.Instant.from("2026-06-21T20:21:00Z"),
 * };
 * ```
 */
export interface SunLine {
  /** The day, `YYYY-MM-DD`. */
  readonly date: string;
  /** Its sunrise, or `null`. */
  readonly sunrise: Temporal.Instant | null;
  /** Its sunset, or `null`. */
  readonly sunset: Temporal.Instant | null;
}

/**
 * What {@linkcode planSvg} draws besides the plan.
 *
 * @example
 * ```ts
 * import type { PlanSvgOptions } from "@s20/s20/schedule";
 *
 * const options: PlanSvgOptions = { now: Temporal.Now.instant(), width: 720 };
 * ```
 */
export interface PlanSvgOptions {
  /** Sunrise and sunset lines, from {@linkcode planSunLines}; none when not given. */
  readonly sun?: readonly SunLine[];
  /** Where to mark "now"; not marked when not given or outside the plan. */
  readonly now?: Temporal.Instant;
  /**
   * Width of the picture in pixels (it scales: the SVG has a `viewBox`).
   *
   * @default {960}
   */
  readonly width?: number;
}

/**
 * The sunrise and sunset of each day of a plan, at the schedule's location; none when the
 * schedule has no location.
 *
 * @param schedule The schedule the plan was made from.
 * @param plan The plan.
 * @returns One line per day of the plan.
 *
 * @example
 * ```ts
 * import { parseSchedule, plan, planSunLines } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: Europe/London\nlocation: {latitude: 51.5, longitude: -0.12}\n" +
 *     "sockets: {porch: {ip: 192.0.2.7}}\nrules: [{sockets: porch, on: sunset, off: '23:00'}]\n",
 * );
 * const lines = planSunLines(schedule, plan(schedule, { from: "2026-06-20", days: 2 }));
 * assert.equal(lines.length, 2);
 * assert.ok(lines[0]!.sunset);
 * ```
 */
export function planSunLines(schedule: Schedule, plan: Plan): SunLine[] {
  const location = schedule.location;
  if (!location) return [];
  const lines: SunLine[] = [];
  let date = Temporal.PlainDate.from(plan.from);
  for (let i = 0; i < plan.days; i++, date = date.add({ days: 1 })) {
    const options = { date, location, timeZone: plan.timezone };
    lines.push({
      date: date.toString(),
      sunrise: sunTime("sunrise", options).at,
      sunset: sunTime("sunset", options).at,
    });
  }
  return lines;
}

/** One on-interval of one socket, in milliseconds since the epoch. */
interface Bar {
  readonly from: number;
  readonly to: number;
}

/** The on-intervals of a socket: from its state at the start, through its events. */
function onIntervals(
  events: readonly PlannedEvent[],
  startsOn: boolean,
  start: number,
  end: number,
): Bar[] {
  const bars: Bar[] = [];
  let since: number | null = startsOn ? start : null;
  for (const event of events) {
    const at = event.at.epochMilliseconds;
    if (event.action === "on" && since === null) since = at;
    else if (event.action === "off" && since !== null) {
      if (at > since) bars.push({ from: since, to: at });
      since = null;
    }
  }
  if (since !== null && end > since) bars.push({ from: since, to: end });
  return bars;
}

/** Text made safe for XML content and attribute values. */
function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `HH:MM` of a local ISO time. */
function hhmm(local: string): string {
  return local.slice(11, 16);
}

const ROW = 34;
const BAR = 16;
const LABEL = 110;
const TOP = 40;
const LEGEND = 28;
const COLORS = {
  bar: "#2f9e44",
  grid: "#d0d7de",
  text: "#1f2328",
  sunrise: "#e8590c",
  sunset: "#5f3dc4",
  dst: "#c92a2a",
  now: "#1971c2",
};

/**
 * Draws a plan as a picture of its days (SVG): one row per socket with its on-intervals as
 * bars, each event marked as run by the socket (filled) or the host (hollow), sunrise and
 * sunset as lines across the rows, clock changes and "now" marked. Pure: the same plan and
 * options give the same text. Elements carry classes (`bar`, `event device|host`, `sunrise`,
 * `sunset`, `dst`, `now`) and `data-socket` for those who read it back.
 *
 * @param plan The plan to draw.
 * @param options Sun lines, "now", width.
 * @returns A standalone SVG document (no scripts, no outside references).
 *
 * @example A week of one porch light
 * ```ts
 * import { parseSchedule, plan, planSunLines, planSvg } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: Europe/London\nlocation: {latitude: 51.5, longitude: -0.12}\n" +
 *     "sockets: {porch: {ip: 192.0.2.7}}\nrules: [{sockets: porch, on: sunset, off: '23:00'}]\n",
 * );
 * const week = plan(schedule, { from: "2026-06-20", days: 7 });
 * const svg = planSvg(week, { sun: planSunLines(schedule, week) });
 * assert.equal(svg.match(/class="bar"/g)?.length, 7);
 * assert.equal(svg.match(/class="sunset"/g)?.length, 7);
 * ```
 */
export function planSvg(plan: Plan, options: PlanSvgOptions = {}): string {
  const width = options.width ?? 960;
  const start = plan.start.epochMilliseconds;
  const end = plan.end.epochMilliseconds;
  const span = Math.max(1, end - start);
  const plotWidth = width - LABEL - 10;
  const x = (ms: number) => (LABEL + ((ms - start) / span) * plotWidth).toFixed(1);
  const rows = plan.sockets.length;
  const bottom = TOP + rows * ROW;
  const height = bottom + LEGEND + 8;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" ` +
      `height="${height}" font-family="system-ui, sans-serif" font-size="11" role="img" ` +
      `aria-labelledby="plan-title">`,
    `<title id="plan-title">${
      xml(`Plan of ${plan.file}: ${plan.days} days from ${plan.from} (${plan.timezone})`)
    }</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );

  // Days: a line at each local midnight, labelled; fainter lines every six hours.
  let day = Temporal.PlainDate.from(plan.from);
  for (let i = 0; i <= plan.days; i++, day = day.add({ days: 1 })) {
    const midnight = day.toZonedDateTime({ timeZone: plan.timezone });
    const ms = midnight.epochMilliseconds;
    out.push(
      `<line class="day" x1="${x(ms)}" y1="${TOP - 6}" x2="${x(ms)}" y2="${bottom}" ` +
        `stroke="${COLORS.grid}"/>`,
    );
    if (i === plan.days) break;
    const next = midnight.add({ days: 1 }).epochMilliseconds;
    const label = `${day.toLocaleString("en", { weekday: "short" })} ${day.day}`;
    out.push(
      `<text x="${((Number(x(ms)) + Number(x(next))) / 2).toFixed(1)}" y="${TOP - 22}" ` +
        `text-anchor="middle" fill="${COLORS.text}">${xml(label)}</text>`,
    );
    for (const hour of [6, 12, 18]) {
      const at = midnight.add({ hours: hour }).epochMilliseconds;
      out.push(
        `<line x1="${x(at)}" y1="${TOP - 3}" x2="${x(at)}" y2="${bottom}" ` +
          `stroke="${COLORS.grid}" stroke-width="0.5" stroke-dasharray="1 3"/>`,
      );
    }
  }

  // Rows: the socket's name, its bars and its events.
  plan.sockets.forEach((socket, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const alias = xml(socket.socket);
    out.push(
      `<g class="socket" data-socket="${alias}">`,
      `<text x="6" y="${mid + 4}" fill="${COLORS.text}" font-weight="600">${alias}</text>`,
      `<line x1="${LABEL}" y1="${y + ROW}" x2="${width - 10}" y2="${y + ROW}" ` +
        `stroke="${COLORS.grid}" stroke-width="0.5"/>`,
    );
    const events = plan.events.filter((e) => e.socket === socket.socket);
    for (const bar of onIntervals(events, socket.stateAtStart === "on", start, end)) {
      const w = Math.max(1, Number(x(bar.to)) - Number(x(bar.from)));
      out.push(
        `<rect class="bar" data-socket="${alias}" x="${x(bar.from)}" y="${mid - BAR / 2}" ` +
          `width="${w.toFixed(1)}" height="${BAR}" rx="2" fill="${COLORS.bar}" ` +
          `fill-opacity="0.8"/>`,
      );
    }
    for (const e of events) {
      const device = e.run === "device";
      const cy = e.action === "on" ? mid - BAR / 2 - 3 : mid + BAR / 2 + 3;
      out.push(
        `<circle class="event ${e.run}" data-socket="${alias}" cx="${x(e.at.epochMilliseconds)}" ` +
          `cy="${cy}" r="3" fill="${device ? COLORS.text : "#ffffff"}" ` +
          `stroke="${COLORS.text}" stroke-width="1.2"><title>${
            xml(
              `${hhmm(e.local)} ${e.action} ${e.ruleName ?? e.ruleId} — run by the ${
                device ? "socket" : "host"
              }: ${e.reason}${e.note ? ` (${e.note})` : ""}`,
            )
          }</title></circle>`,
      );
    }
    out.push(`</g>`);
  });

  // Lines across every row: sun, clock changes, now.
  const across = (cls: string, ms: number, color: string, dash: string, title: string) => {
    if (ms < start || ms > end) return;
    out.push(
      `<line class="${cls}" x1="${x(ms)}" y1="${TOP - 6}" x2="${x(ms)}" y2="${bottom}" ` +
        `stroke="${color}" stroke-width="1.3"${dash ? ` stroke-dasharray="${dash}"` : ""}><title>${
          xml(title)
        }</title></line>`,
    );
  };
  const local = (ms: number) =>
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(plan.timezone).toString({
      smallestUnit: "minute",
      timeZoneName: "never",
    }).replace("T", " ");
  for (const line of options.sun ?? []) {
    if (line.sunrise) {
      const ms = line.sunrise.epochMilliseconds;
      across("sunrise", ms, COLORS.sunrise, "4 3", `sunrise ${local(ms)}`);
    }
    if (line.sunset) {
      const ms = line.sunset.epochMilliseconds;
      across("sunset", ms, COLORS.sunset, "4 3", `sunset ${local(ms)}`);
    }
  }
  for (const change of plan.dstChanges) {
    const ms = change.at.epochMilliseconds;
    across("dst", ms, COLORS.dst, "", `${change.local}: ${change.description}`);
    out.push(
      `<text x="${x(ms)}" y="${TOP - 9}" text-anchor="middle" fill="${COLORS.dst}">` +
        `${xml(`${change.offsetBefore}→${change.offsetAfter}`)}</text>`,
    );
  }
  if (options.now) {
    const ms = options.now.epochMilliseconds;
    across("now", ms, COLORS.now, "", `now ${local(ms)}`);
    if (ms >= start && ms <= end) {
      out.push(
        `<text x="${x(ms)}" y="${TOP - 9}" text-anchor="middle" fill="${COLORS.now}">now</text>`,
      );
    }
  }

  // Legend.
  const ly = bottom + 18;
  out.push(
    `<g class="legend" fill="${COLORS.text}">`,
    `<rect x="${LABEL}" y="${ly - 8}" width="18" height="10" fill="${COLORS.bar}"/>`,
    `<text x="${LABEL + 22}" y="${ly}">on</text>`,
    `<circle cx="${LABEL + 50}" cy="${ly - 3}" r="3" fill="${COLORS.text}"/>`,
    `<text x="${LABEL + 57}" y="${ly}">run by the socket</text>`,
    `<circle cx="${LABEL + 168}" cy="${ly - 3}" r="3" fill="#ffffff" stroke="${COLORS.text}"/>`,
    `<text x="${LABEL + 175}" y="${ly}">run by the host</text>`,
    `<line x1="${LABEL + 275}" y1="${ly - 3}" x2="${LABEL + 293}" y2="${ly - 3}" ` +
      `stroke="${COLORS.sunrise}" stroke-dasharray="4 3"/>`,
    `<text x="${LABEL + 297}" y="${ly}">sunrise</text>`,
    `<line x1="${LABEL + 350}" y1="${ly - 3}" x2="${LABEL + 368}" y2="${ly - 3}" ` +
      `stroke="${COLORS.sunset}" stroke-dasharray="4 3"/>`,
    `<text x="${LABEL + 372}" y="${ly}">sunset</text>`,
    `<text x="${LABEL + 425}" y="${ly}">${xml(plan.timezone)}</text>`,
    `</g>`,
    `</svg>`,
  );
  return out.join("\n") + "\n";
}
