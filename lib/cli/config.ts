/**
 * Socket aliases: `~/.config/s20/config.yaml` (or `$S20_CONFIG`, or `--config FILE`) and the
 * `sockets:` list of a schedule file (`--schedule FILE`, or `schedule:` in the config).
 *
 * ```yaml
 * sockets:
 *   desk: ac:cf:23:24:19:c0            # a MAC
 *   hall: { mac: ac:cf:23:24:19:c1, ip: 192.168.1.31 }
 *   porch: { name: Porch }             # the socket's own name (table 4)
 * schedule: ~/schedules.yaml           # optional: its sockets are aliases too
 * targets: [192.168.7.255, 10.0.0.0/24] # optional: where --all and names look
 * ```
 */
import { checkSchedule } from "../schedule/parse_schedule.ts";
import { formatIssues, type ScheduleIssue } from "../schedule/schedule_error.ts";
import type { Mac } from "../protocol/mac.ts";
import { checkConfig } from "./config_check.ts";
import type { CliIo } from "./io.ts";
import { UsageError } from "./usage_error.ts";
import { readTextFileStrict } from "../util/read_text_file.ts";

/** What an alias stands for. */
export interface Alias {
  readonly mac?: Mac;
  readonly ip?: string;
  readonly name?: string;
  /** Where it was defined, for messages. */
  readonly source: string;
}

/** `~/…` → `$HOME/…`. */
export function expandHome(path: string, io: CliIo): string {
  return path.startsWith("~/") ? `${io.env("HOME") ?? ""}${path.slice(1)}` : path;
}

/** The default config path: `$S20_CONFIG`, `$XDG_CONFIG_HOME/s20/config.yaml`, or `~/.config/…`. */
export function defaultConfigPath(io: CliIo): string | null {
  const explicit = io.env("S20_CONFIG");
  if (explicit) return explicit;
  const xdg = io.env("XDG_CONFIG_HOME");
  if (xdg) return `${xdg}/s20/config.yaml`;
  const home = io.env("HOME");
  return home ? `${home}/.config/s20/config.yaml` : null;
}

function readText(path: string, what: string): string | null {
  try {
    return readTextFileStrict(path, { what });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** One issue as its `file:line:column: message` line; several under a count. */
function issuesMessage(path: string, issues: readonly ScheduleIssue[]): string {
  return issues.length === 1
    ? formatIssues(issues)
    : `${issues.length} errors in ${path}:\n${formatIssues(issues)}`;
}

function scheduleAliases(path: string, into: Map<string, Alias>): void {
  const text = readText(path, "schedule file");
  if (text === null) throw new UsageError(`schedule file '${path}' does not exist`);
  const { schedule, issues } = checkSchedule(text, { file: path });
  if (!schedule) {
    throw new UsageError(issuesMessage(path, issues));
  }
  for (const [alias, s] of Object.entries(schedule.sockets)) {
    if (!into.has(alias)) {
      into.set(alias, {
        ...(s.mac ? { mac: s.mac as Mac } : {}),
        ...(s.ip ? { ip: s.ip } : {}),
        ...(s.name ? { name: s.name } : {}),
        source: path,
      });
    }
  }
}

/** What the config file holds: aliases and default discovery targets. */
export interface CliConfig {
  readonly aliases: Map<string, Alias>;
  /** `targets:` of the config file: where `--all` and name lookups look by default. */
  readonly targets: string[];
  /** The schedule file (`--schedule`, or `schedule:` of the config file), if any. */
  readonly schedule: string | null;
  /** The `mqtt:` section as written and the file it is in (read by `cli/mqtt_config.ts`). */
  readonly mqtt?: { readonly section: unknown; readonly file: string };
}

/** Loads aliases and targets from the config file (if any) and schedule files. */
export function loadConfig(
  io: CliIo,
  options: { config?: string | undefined; schedule?: string | undefined },
): CliConfig {
  const aliases = new Map<string, Alias>();
  const targets: string[] = [];
  const path = options.config ?? defaultConfigPath(io);
  // A file named on purpose (--config or S20_CONFIG) must exist; the default one need not.
  const named = options.config !== undefined
    ? "--config"
    : io.env("S20_CONFIG")
    ? "S20_CONFIG"
    : null;
  let scheduleFromConfig: string | undefined;
  let mqtt: CliConfig["mqtt"];
  if (path) {
    const text = readText(expandHome(path, io), "config file");
    if (text === null && named !== null) {
      throw new UsageError(`config file '${path}' (from ${named}) does not exist`);
    }
    if (text !== null) {
      const read = checkConfig(text, path);
      if (read.issues.length > 0) throw new UsageError(issuesMessage(path, read.issues));
      for (const [alias, fields] of read.sockets) aliases.set(alias, { ...fields, source: path });
      if (read.schedule !== undefined) scheduleFromConfig = expandHome(read.schedule, io);
      targets.push(...read.targets);
      if (read.mqtt !== undefined) mqtt = { section: read.mqtt, file: path };
    }
  }
  const schedule = options.schedule ?? scheduleFromConfig;
  if (schedule) scheduleAliases(expandHome(schedule, io), aliases);
  return {
    aliases,
    targets,
    schedule: schedule ? expandHome(schedule, io) : null,
    ...(mqtt ? { mqtt } : {}),
  };
}
