/**
 * `s20 schedule check`'s type check of automations: `deno check` of a small module that
 * assigns each script's default export to an `Automation`, so a wrong export or a type error
 * in the script is found before the daemon runs it. Needs the `deno` executable (not in a
 * compiled `s20`) and permission to run it.
 */
import { pathToFileURL } from "node:url";
import { dirname } from "node:path";
import type { ScheduleIssue } from "../schedule/schedule_error.ts";
import type { Schedule } from "../schedule/types.ts";
import { automationScript } from "./automation_host.ts";

/** The type check's outcome: issues at the entries' places, or why it could not run. */
export type AutomationTypeCheck = { issues: ScheduleIssue[] } | { skipped: string };

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Type-checks each automation of `schedule` (read from `file`).
 *
 * @param deno The `deno` executable. @default {Deno.execPath()}
 */
export async function checkAutomationTypes(
  schedule: Schedule,
  file: string,
  deno: string = Deno.execPath(),
): Promise<AutomationTypeCheck> {
  if (schedule.automations.length === 0) return { issues: [] };
  if (!/(^|\/)deno(\.exe)?$/.test(deno)) {
    return { skipped: "not run by deno (a compiled s20): run 'deno check SCRIPT' yourself" };
  }
  const types = new URL("./automation_context.ts", import.meta.url).href;
  const issues: ScheduleIssue[] = [];
  for (const entry of schedule.automations) {
    const script = automationScript(entry, file);
    const stub = await Deno.makeTempFile({ prefix: "s20-check-", suffix: ".ts" });
    try {
      await Deno.writeTextFile(
        stub,
        `import type { Automation } from ${JSON.stringify(types)};\n` +
          `import main from ${JSON.stringify(pathToFileURL(script).href)};\n` +
          `export const automation: Automation = main;\n`,
      );
      const output = await new Deno.Command(deno, {
        args: ["check", "--quiet", stub],
        cwd: dirname(script),
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (output.success) continue;
      const text = new TextDecoder().decode(output.stderr).replace(ANSI, "");
      const errors = text.split("\n").filter((line) =>
        /^(TS\d+ )?\[?ERROR\]?|^error:/.test(line) || /TS\d+/.test(line)
      );
      const stubErrors = text.includes(stub);
      issues.push({
        file: schedule.file,
        line: entry.line,
        column: entry.column,
        message: `automation '${entry.name}': ${
          stubErrors && !text.includes(script)
            ? "its default export is not an automation (export default async function (context: AutomationContext) { … })"
            : `${entry.script} does not type-check`
        }: ${errors.slice(0, 3).join("; ").trim() || text.trim().split("\n")[0]}`,
      });
    } catch (error) {
      if (
        error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
      ) {
        return { skipped: `running deno is not allowed (${(error as Error).message})` };
      }
      throw error;
    } finally {
      await Deno.remove(stub).catch(() => {});
    }
  }
  return { issues };
}
