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
import { parseDocument } from "../schedule/_deps.ts";
import { checkSchedule } from "../schedule/parse_schedule.ts";
import { Mac } from "../protocol/mac.ts";
import { ipToNumber } from "../transport/ipv4.ts";
import type { CliIo } from "./io.ts";
import { UsageError } from "./usage_error.ts";

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

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function aliasFrom(value: unknown, where: string): Alias {
  if (typeof value === "string") {
    const mac = Mac.tryParse(value);
    if (mac) return { mac, source: where };
    if (ipToNumber(value) !== null) return { ip: value, source: where };
    return { name: value, source: where };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${where}: expected a MAC, an IP, or { mac, ip, name }`);
  }
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).filter((k) => !["mac", "ip", "name"].includes(k));
  if (unknown.length > 0) {
    throw new UsageError(`${where}: unknown key '${unknown[0]}' (use mac, ip or name)`);
  }
  const mac = typeof v.mac === "string" ? Mac.tryParse(v.mac) : null;
  if (v.mac !== undefined && !mac) {
    throw new UsageError(`${where}: '${v.mac}' is not a MAC address`);
  }
  if (v.ip !== undefined && (typeof v.ip !== "string" || ipToNumber(v.ip) === null)) {
    throw new UsageError(`${where}: '${v.ip}' is not an IPv4 address`);
  }
  if (!mac && v.ip === undefined && typeof v.name !== "string") {
    throw new UsageError(`${where}: give at least one of mac, ip or name`);
  }
  return {
    ...(mac ? { mac } : {}),
    ...(typeof v.ip === "string" ? { ip: v.ip } : {}),
    ...(typeof v.name === "string" ? { name: v.name } : {}),
    source: where,
  };
}

function scheduleAliases(path: string, into: Map<string, Alias>): void {
  const text = readText(path);
  if (text === null) throw new UsageError(`schedule file '${path}' does not exist`);
  const { schedule, errors } = checkSchedule(text, { file: path });
  if (!schedule) {
    throw new UsageError(
      `${errors[0]?.file}:${errors[0]?.line}:${errors[0]?.column}: ${errors[0]?.message}`,
    );
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
  let scheduleFromConfig: string | undefined;
  let mqtt: CliConfig["mqtt"];
  if (path) {
    const text = readText(expandHome(path, io));
    if (text === null && options.config) {
      throw new UsageError(`config file '${path}' does not exist`);
    }
    if (text !== null) {
      const doc = parseDocument(text);
      if (doc.errors.length > 0) {
        throw new UsageError(`${path}: ${doc.errors[0]!.message.split("\n")[0]}`);
      }
      const root = (doc.toJS() ?? {}) as Record<string, unknown>;
      const sockets = root.sockets ?? {};
      if (typeof sockets !== "object" || Array.isArray(sockets) || sockets === null) {
        throw new UsageError(`${path}: 'sockets' must map aliases to sockets`);
      }
      for (const [alias, value] of Object.entries(sockets as Record<string, unknown>)) {
        aliases.set(alias, aliasFrom(value, `${path}: sockets.${alias}`));
      }
      if (root.mqtt !== undefined) mqtt = { section: root.mqtt, file: path };
      if (typeof root.schedule === "string") scheduleFromConfig = expandHome(root.schedule, io);
      if (root.targets !== undefined) {
        if (!Array.isArray(root.targets) || root.targets.some((t) => typeof t !== "string")) {
          throw new UsageError(`${path}: 'targets' must be a list of addresses, blocks or MAC@IP`);
        }
        targets.push(...root.targets as string[]);
      }
    }
  }
  const schedule = options.schedule ?? scheduleFromConfig;
  if (schedule) scheduleAliases(expandHome(schedule, io), aliases);
  return { aliases, targets, ...(mqtt ? { mqtt } : {}) };
}
