/**
 * Pins `@s20/s20/schedule` (the schedule language):
 * a new or removed export is a deliberate change.
 */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/schedule/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/schedule/mod.ts");
  assert.deepEqual(values, [
    "ScheduleError",
    "checkSchedule",
    "compileWeeklyTimers",
    "desiredState",
    "formatIssues",
    "formatPlanJson",
    "formatPlanText",
    "parseSchedule",
    "plan",
    "planSunLines",
    "planSvg",
    "sunTime",
  ]);
  assert.deepEqual(types, [
    "Action",
    "AutomationAllow",
    "AutomationEntry",
    "CalendarDay",
    "CheckResult",
    "CronRule",
    "DateRange",
    "DesiredStateOptions",
    "DeviceTimer",
    "DstChange",
    "EventRule",
    "FixedTime",
    "FormatPlanJsonOptions",
    "FormatPlanTextOptions",
    "Location",
    "ParseScheduleOptions",
    "Plan",
    "PlanOptions",
    "PlanSvgOptions",
    "PlannedEvent",
    "Rule",
    "RuleCommon",
    "RunMode",
    "Schedule",
    "ScheduleIssue",
    "SkippedDay",
    "SocketAddress",
    "SocketPlan",
    "SunEvent",
    "SunLine",
    "SunTime",
    "SunTimeOptions",
    "SunTimeResult",
    "TimeSpec",
    "WeeklyTimer",
    "WindowRule",
  ]);
});
