import { type ExpandContext, resolveWindowOn, ruleSkipReason } from "./expand.ts";
import type { Action, Schedule, WindowRule } from "../types.ts";

/** The state the window rules give, with a shared context (used by `plan` too). */
export function stateAt(
  schedule: Schedule,
  socket: string,
  ms: number,
  ctx: ExpandContext,
  lookbackDays: number,
): Action | null {
  const windows = schedule.rules.filter((rule): rule is WindowRule =>
    rule.kind === "window" && rule.sockets.includes(socket)
  );
  if (windows.length === 0) return null;
  const wall = ctx.clock.wall(ms);
  const today = Temporal.PlainDate.from({ year: wall.year, month: wall.month, day: wall.day });
  let spoke = false;
  for (const rule of windows) {
    // Two days ahead: a window of tomorrow may open tonight (sunrise-12h, random offsets).
    for (let back = -2; back <= lookbackDays; back++) {
      const day = ctx.day(today.subtract({ days: back }));
      if (ruleSkipReason(rule, day) !== null) continue;
      const window = resolveWindowOn(rule, day, ctx);
      if (window.onMs === undefined || window.onMs > ms) continue;
      if (ms < window.offMs) return "on";
      spoke = true;
    }
  }
  return spoke ? "off" : null;
}
