import { type Entry, isScalar, isSeq, type YamlNode, YamlSource } from "./yaml_source.ts";
import { canonicalTimeZone } from "./parse/validate_arguments.ts";
import { MAX_RULE_SOCKETS, MAX_RULES } from "./limits.ts";
import { readRule, type RuleRead } from "./parse/read_rule.ts";
import { uniqueContentIds } from "./parse/rule_id.ts";
import { readSockets } from "./parse/read_sockets.ts";
import { readAutomations } from "./parse/read_automations.ts";
import { closest, didYouMean } from "../util/suggest.ts";
import { ScheduleError, type ScheduleIssue, sortIssues } from "./schedule_error.ts";
import type { Location, Rule, Schedule } from "./types.ts";

const TOP_KEYS = ["location", "timezone", "seed", "sockets", "rules", "automations"];
const DEFAULT_SEED = "s20";

/**
 * Options of {@linkcode parseSchedule} and {@linkcode checkSchedule}.
 *
 * @example
 * ```ts
 * import type { ParseScheduleOptions } from "@s20/s20/schedule";
 *
 * const options: ParseScheduleOptions = { file: "home.yaml", defaultTimeZone: "Europe/Oslo" };
 * ```
 */
export interface ParseScheduleOptions {
  /**
   * File name used in messages.
   *
   * @default {"schedule.yaml"}
   */
  readonly file?: string;
  /**
   * Zone for a file without `timezone:`. Reading the host's zone is the only place the host
   * is consulted, and only when the file is silent; pass a zone to stay fully pure.
   *
   * @default {Temporal.Now.timeZoneId()}
   */
  readonly defaultTimeZone?: string;
}

/**
 * What {@linkcode checkSchedule} found.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "@s20/s20/schedule";
 *
 * function exitCode(result: CheckResult): number {
 *   return result.issues.length === 0 ? 0 : 2;
 * }
 * ```
 */
export interface CheckResult {
  /** The schedule, or `null` when there is any error. */
  readonly schedule: Schedule | null;
  /** Every issue, ordered by place; empty when the file is good. */
  readonly issues: readonly ScheduleIssue[];
}

/**
 * Reads and checks a schedule file, reporting every problem rather than the first: YAML
 * syntax errors and schema errors alike, each with its line, column and a fix.
 *
 * @param text The YAML text.
 * @param options The file name for messages and the fallback zone.
 * @returns The schedule when the file is good, and the issues.
 * @throws {TypeError} If `text` is not a string.
 * @throws {RangeError} If the file has no `timezone:` and `defaultTimeZone` is not a zone.
 *
 * @example Report all errors at once
 * ```ts
 * import { checkSchedule, formatIssues } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const text = [
 *   "timezone: Europe/London",
 *   "sockets:",
 *   "  hall: {mac: ac:cf:23:00:00:01}",
 *   "rules:",
 *   "  - sockets: lamp",
 *   "    at: '25:00'",
 *   "    action: on",
 * ].join("\n");
 * const { schedule, issues } = checkSchedule(text, { file: "s.yaml" });
 * assert.equal(schedule, null);
 * assert.equal(issues.length, 2);
 * assert.match(formatIssues(issues), /^s\.yaml:5:14: unknown socket 'lamp'; known: hall$/m);
 * assert.match(formatIssues(issues), /^s\.yaml:6:9: '25:00' is not a time of day/m);
 * ```
 */
export function checkSchedule(text: string, options: ParseScheduleOptions = {}): CheckResult {
  if (typeof text !== "string") {
    throw new TypeError(
      `Cannot check schedule: 'text' must be a string: current value is ${typeof text}`,
    );
  }
  const { file = "schedule.yaml" } = options;
  const source = new YamlSource(text, file);
  const schedule = readSchedule(source, options);
  const issues = sortIssues(source.allIssues());
  return { schedule: issues.length === 0 ? schedule : null, issues };
}

/**
 * Reads a schedule file, or throws a {@linkcode ScheduleError} holding every issue.
 *
 * @param text The YAML text.
 * @param options The file name for messages and the fallback zone.
 * @returns The checked schedule.
 * @throws {ScheduleError} If the file has any error.
 * @throws {TypeError} If `text` is not a string.
 * @throws {RangeError} If the file has no `timezone:` and `defaultTimeZone` is not a zone.
 *
 * @example
 * ```ts
 * import { parseSchedule } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   [
 *     "timezone: Europe/London",
 *     "location: {latitude: 51.5, longitude: -0.13}",
 *     "sockets: {porch: {ip: 192.0.2.10}}",
 *     "rules:",
 *     "  - {sockets: porch, on: sunset-15m, off: '23:00', days: mon-fri}",
 *   ].join("\n"),
 * );
 * const rule = schedule.rules[0]!;
 * assert.equal(rule.kind, "window");
 * assert.equal(rule.days, 0b001_1111);
 * ```
 */
export function parseSchedule(text: string, options: ParseScheduleOptions = {}): Schedule {
  const { schedule, issues } = checkSchedule(text, options);
  if (schedule === null) throw new ScheduleError(issues);
  return schedule;
}

function readSchedule(source: YamlSource, options: ParseScheduleOptions): Schedule | null {
  const root = source.asMap(source.root);
  if (root === null) {
    if (source.issues.length === 0) {
      source.report(
        source.root ?? 0,
        source.root === null
          ? "the schedule is empty; it needs 'sockets:' and 'rules:' (see schedules.example.yaml)"
          : "the schedule must be a mapping with 'sockets:' and 'rules:' at the top level",
      );
    }
    return null;
  }
  const top = new Map<string, Entry>();
  // Keys a misspelt key probably meant: their absence is already explained.
  const meant = new Set<string>();
  for (const entry of source.entries(root, (key) => `duplicate top-level key '${key}'`)) {
    if (!TOP_KEYS.includes(entry.key)) {
      const guess = closest(entry.key, TOP_KEYS);
      if (guess !== null) meant.add(guess);
      source.report(
        entry.keyNode,
        `unknown top-level key '${entry.key}'${didYouMean(entry.key, TOP_KEYS)}; ` +
          `a schedule has ${TOP_KEYS.join(", ")}`,
      );
      continue;
    }
    top.set(entry.key, entry);
  }

  const timezone = readTimeZone(source, top.get("timezone"), options);
  const location = readLocation(source, top.get("location"));
  const seed = readSeed(source, top.get("seed"));

  const socketsEntry = top.get("sockets");
  if (socketsEntry === undefined && !source.hasSyntaxErrorIn(root) && !meant.has("sockets")) {
    source.report(
      root,
      "the schedule has no 'sockets:'; add one alias per socket, such as " +
        "'sockets: {hall: {mac: ac:cf:23:00:00:01}}'",
    );
  }
  const { sockets, complete } = socketsEntry === undefined
    ? { sockets: {}, complete: false }
    : readSockets(source, socketsEntry.value, socketsEntry.keyNode);

  const rules = readRules(source, top.get("rules"), meant.has("rules") ? null : root, {
    sockets: Object.keys(sockets),
    socketsComplete: complete,
    location: location === null ? "missing" : location === "invalid" ? "invalid" : "ok",
  });
  const automations = readAutomations(source, top.get("automations"));
  if (timezone === null || location === "invalid" || rules === null || automations === null) {
    return null;
  }
  return { file: source.file, timezone, location, seed, sockets, rules, automations };
}

function readTimeZone(
  source: YamlSource,
  entry: Entry | undefined,
  options: ParseScheduleOptions,
): string | null {
  if (entry === undefined) {
    const fallback = options.defaultTimeZone ?? Temporal.Now.timeZoneId();
    const zone = canonicalTimeZone(fallback);
    if (zone === null) {
      throw new RangeError(
        `Cannot check schedule: 'defaultTimeZone' must be an IANA zone: current value is "${fallback}"`,
      );
    }
    return zone;
  }
  const node = entry.value;
  const name = node !== null && isScalar(node) ? String(node.value) : "";
  const zone = canonicalTimeZone(name);
  if (zone === null || name === "") {
    const hint = closest(name, Intl.supportedValuesOf("timeZone"));
    source.report(
      node ?? entry.keyNode,
      `unknown time zone '${name}'; ` +
        (hint !== null ? `did you mean '${hint}'? ` : "") +
        `use an IANA name such as Europe/London, or remove 'timezone' to use the host's zone`,
    );
    return null;
  }
  return zone;
}

function readLocation(source: YamlSource, entry: Entry | undefined): Location | null | "invalid" {
  if (entry === undefined) return null;
  const map = source.asMap(entry.value);
  const example = "such as 'location: {latitude: 51.5072, longitude: -0.1276}'";
  if (map === null) {
    source.report(
      entry.value ?? entry.keyNode,
      `'location' needs latitude and longitude, ${example}`,
    );
    return "invalid";
  }
  if (source.hasSyntaxErrorIn(map)) return "invalid";
  const values: Record<string, number> = {};
  let sound = true;
  const limits = { latitude: 90, longitude: 180 } as const;
  for (const field of source.entries(map, (key) => `duplicate key '${key}' in location`)) {
    if (field.key !== "latitude" && field.key !== "longitude") {
      source.report(
        field.keyNode,
        `unknown key '${field.key}' in location${
          didYouMean(field.key, ["latitude", "longitude"])
        }; location has latitude and longitude in degrees`,
      );
      sound = false;
      continue;
    }
    const node = field.value;
    const value = node !== null && isScalar(node) ? node.value : undefined;
    const limit = limits[field.key];
    if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > limit) {
      source.report(
        node ?? field.keyNode,
        `${field.key} must be a number of degrees from -${limit} to ${limit}` +
          (field.key === "latitude" ? " (north positive)" : " (east positive)") +
          `: current value is ${node !== null && isScalar(node) ? String(node.value) : "missing"}`,
      );
      sound = false;
      continue;
    }
    values[field.key] = value;
  }
  for (const field of ["latitude", "longitude"]) {
    if (sound && values[field] === undefined) {
      source.report(map, `location has no ${field}; ${example}`);
      sound = false;
    }
  }
  return sound ? { latitude: values.latitude!, longitude: values.longitude! } : "invalid";
}

function readSeed(source: YamlSource, entry: Entry | undefined): string {
  if (entry === undefined) return DEFAULT_SEED;
  const node = entry.value;
  if (node === null || !isScalar(node)) {
    source.report(node ?? entry.keyNode, "'seed' must be a word or a number, such as 'seed: 42'");
    return DEFAULT_SEED;
  }
  return String(node.value);
}

function readRules(
  source: YamlSource,
  entry: Entry | undefined,
  root: YamlNode | null,
  context: Parameters<typeof readRule>[3],
): Rule[] | null {
  if (entry === undefined) {
    if (root !== null && !source.hasSyntaxErrorIn(root)) {
      source.report(
        root,
        "the schedule has no 'rules:'; add a list of rules (see schedules.example.yaml)",
      );
    }
    return null;
  }
  const node = entry.value;
  if (node === null || !isSeq(node)) {
    source.report(
      node ?? entry.keyNode,
      "'rules' must be a list, one item per rule starting with '- '",
    );
    return null;
  }
  if (node.items.length > MAX_RULES) {
    source.report(
      node,
      `the schedule has ${node.items.length} rules, over the limit of ${MAX_RULES}; ` +
        "merge rules that share a time (a rule can switch several sockets), or split the file",
    );
    return null;
  }
  const read: RuleRead[] = [];
  let sound = true;
  node.items.forEach((item, index) => {
    const rule = readRule(
      source,
      source.resolve(item) ?? (item as YamlNode | null),
      index,
      context,
    );
    if (rule === null) sound = false;
    else read.push(rule);
  });
  const pairs = read.reduce((sum, item) => sum + item.rule.sockets.length, 0);
  if (pairs > MAX_RULE_SOCKETS) {
    source.report(
      node,
      `the rules switch ${pairs} sockets in all (counting a socket once per rule), over the ` +
        `limit of ${MAX_RULE_SOCKETS}; use fewer rules or fewer sockets per rule`,
    );
    return null;
  }
  const rules = withIds(source, read);
  return rules !== null && sound ? rules : null;
}

/**
 * Gives each rule its id: its `id:`, or the short hash of what it does. Two rules that do the
 * same are a mistake; explicit ids must be unique. Rules that differ never clash: when their
 * hashes do, one takes another free id.
 */
function withIds(source: YamlSource, read: readonly RuleRead[]): Rule[] | null {
  let sound = true;
  const byContent = new Map<string, RuleRead>();
  const distinct: RuleRead[] = [];
  for (const item of read) {
    const twin = byContent.get(item.content);
    if (twin !== undefined) {
      source.report(
        item.idNode,
        `rule ${item.rule.index + 1} does the same as rule ${twin.rule.index + 1} ` +
          `(line ${twin.rule.line}); remove one of them`,
      );
      sound = false;
      continue;
    }
    byContent.set(item.content, item);
    distinct.push(item);
  }
  const explicit = new Set(distinct.flatMap((item) => item.explicitId ?? []));
  const hashed = uniqueContentIds(
    distinct.flatMap((item) => item.explicitId === null ? [item.content] : []),
    explicit,
  );
  const byId = new Map<string, RuleRead>();
  const rules: Rule[] = [];
  for (const item of distinct) {
    const id = item.explicitId ?? hashed.get(item.content)!;
    const first = byId.get(id);
    if (first !== undefined) {
      source.report(
        item.idNode,
        `duplicate rule id '${id}' (first at line ${first.rule.line}); give each rule its own id`,
      );
      sound = false;
    } else byId.set(id, item);
    rules.push({ ...item.rule, id });
  }
  return sound ? rules : null;
}
