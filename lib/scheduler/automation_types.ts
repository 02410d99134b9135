/**
 * `s20 schedule check`'s type check of automations: `deno check` of a small module that
 * assigns each script's default export to an `Automation`, so a wrong export or a type error
 * in the script is found before the daemon runs it. Needs the `deno` executable (not in a
 * compiled `s20`) and permission to run it: `--allow-run=deno`, which the shipped `s20` task,
 * `deno task install` and `scripts/s20.ts`'s shebang give.
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

/** The permission flag that lets `s20 schedule check` run deno (Deno's own words for it). */
export const RUN_DENO_FLAG = "--allow-run=deno";

/**
 * The deno to run for the check, or why there is none. Permission is asked of Deno, never
 * tried: a denied run in a terminal would prompt.
 *
 * @param executable What runs s20 (`Deno.execPath()`).
 */
export function denoToRun(executable: string): { command: string } | { skipped: string } {
  if (!/(^|[/\\])deno(\.exe)?$/.test(executable)) {
    // A compiled s20 is its own executable and carries no deno, and its modules are not files
    // a deno could read: no permission flag changes that.
    return {
      skipped: `this s20 is a compiled program (${executable}), which cannot run 'deno check'; ` +
        "type-check a script with 'deno check SCRIPT', or run 's20 schedule check' from source " +
        "('deno task s20 schedule check FILE')",
    };
  }
  const granted = (command: string) =>
    Deno.permissions.querySync({ name: "run", command }).state === "granted";
  // The deno running now, else the one on PATH: `--allow-run=deno` names the PATH one, and
  // Deno.execPath() differs from it when that is a symlink (npm, Homebrew installs).
  for (const command of [executable, "deno"]) {
    if (granted(command)) return { command };
  }
  return {
    skipped: `running deno is not allowed; add ${RUN_DENO_FLAG} to the deno run flags ` +
      "(with the shipped ones: --allow-run=ss,ps,deno)",
  };
}

/**
 * Type-checks each automation of `schedule` (read from `file`).
 *
 * @param executable What runs s20; only a deno can type-check. @default {Deno.execPath()}
 */
export async function checkAutomationTypes(
  schedule: Schedule,
  file: string,
  executable: string = Deno.execPath(),
): Promise<AutomationTypeCheck> {
  if (schedule.automations.length === 0) return { issues: [] };
  const found = denoToRun(executable);
  if ("skipped" in found) return found;
  const deno = found.command;
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
