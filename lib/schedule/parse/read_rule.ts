import type { Entry, YamlNode, YamlSource } from "../yaml_source.ts";
import { checkCron } from "../notation/cron.ts";
import { ALL_DAYS, parseDays } from "../days.ts";
import { FieldReader } from "./field_reader.ts";
import { ruleContent } from "./rule_id.ts";
import {
  readAction,
  readCatchUp,
  readExplicitId,
  readRandom,
  readRanges,
  readSocketList,
  readTime,
  type RuleContext,
} from "./rule_fields.ts";
import { closest, didYouMean } from "../../util/suggest.ts";
import type { Rule, TimeSpec } from "../types.ts";

const KEYS = [
  "id",
  "name",
  "sockets",
  "at",
  "action",
  "on",
  "off",
  "cron",
  "days",
  "dates",
  "except",
  "random",
  "run",
  "catchUp",
];
const SHAPES = "a rule has 'at:' and 'action:' (an event), 'on:' and 'off:' (a window), " +
  "or 'cron:' and 'action:'";

/** A rule as read, before ids are made unique across the file. */
export interface RuleRead {
  /** The rule; its `id` is set once every rule is read. */
  readonly rule: Rule;
  /** What it does (see {@linkcode ruleContent}): equal for rules that do the same. */
  readonly content: string;
  /** The `id:` field, if given. */
  readonly explicitId: string | null;
  /** Where to report a clash of ids. */
  readonly idNode: YamlNode;
}

export type { RuleContext };

/** Reads one item of `rules:`; reports each problem and returns `null` if the rule is unusable. */
export function readRule(
  source: YamlSource,
  node: YamlNode | null,
  index: number,
  context: RuleContext,
): RuleRead | null {
  const map = source.asMap(node);
  const label = `rule ${index + 1}`;
  if (map === null) {
    source.report(node ?? 0, `${label} must be a mapping; ${SHAPES}`);
    return null;
  }
  // A rule with a syntax error inside is reported by the YAML parser; its schema errors
  // would only repeat the same mistake.
  if (source.hasSyntaxErrorIn(map)) return null;
  const fields = new Map<string, Entry>();
  // Keys that a misspelt key probably meant: their absence is already explained.
  const meant = new Set<string>();
  for (const entry of source.entries(map, (key) => `duplicate key '${key}' in ${label}`)) {
    if (!KEYS.includes(entry.key)) {
      const guess = closest(entry.key, KEYS);
      if (guess !== null) meant.add(guess);
      source.report(
        entry.keyNode,
        `unknown key '${entry.key}' in ${label}${didYouMean(entry.key, KEYS)}; ` +
          `rules take ${KEYS.join(", ")}`,
      );
      continue;
    }
    fields.set(entry.key, entry);
  }
  const reader = new FieldReader(source, fields, label, map);
  let sound = true;
  const problem = () => {
    sound = false;
  };

  const kinds = (["at", "on", "off", "cron"] as const).filter((k) => fields.has(k));
  const kind = kinds.includes("cron")
    ? "cron"
    : kinds.includes("at")
    ? "event"
    : kinds.length > 0
    ? "window"
    : null;
  const mixed = (kinds.includes("at") ? 1 : 0) + (kinds.includes("cron") ? 1 : 0) +
      (kinds.includes("on") || kinds.includes("off") ? 1 : 0) > 1;
  if (kind === null || mixed) {
    source.report(
      map,
      mixed
        ? `${label} mixes ${kinds.map((k) => `'${k}:'`).join(" and ")}; ${SHAPES}; ` +
          `split it into one rule per shape`
        : `${label} says nothing about when; ${SHAPES}`,
    );
    return null;
  }

  const sockets = readSocketList(reader, context, meant.has("sockets")) ?? (problem(), []);
  const days = reader.list("days", (items) => parseDays(items)) ??
    (fields.has("days") ? (problem(), ALL_DAYS) : ALL_DAYS);
  const dates = readRanges(reader, "dates") ?? (problem(), []);
  const except = readRanges(reader, "except") ?? (problem(), []);
  const run = reader.choice("run", ["auto", "device", "host"] as const, "auto") ??
    (problem(), "auto");
  const randomSeconds = readRandom(reader) ?? (problem(), 0);
  const catchUpSeconds = readCatchUp(reader) ?? (problem(), 0);
  const name = reader.text("name");
  const explicitId = readExplicitId(reader);
  if (explicitId === undefined) problem();

  const common = {
    index,
    name: name ?? null,
    sockets,
    days,
    dates,
    except,
    randomSeconds,
    run,
    catchUpSeconds,
    ...source.position(map),
  };

  let rule: Rule | null = null;
  if (kind === "event") {
    const at = readTime(reader, "at", context);
    const action = readAction(reader, "an event rule");
    if (at !== null && action !== null) rule = { kind, id: "", ...common, at, action };
  } else if (kind === "window") {
    const missing = fields.has("on") ? "off" : "on";
    if (!fields.has("on") || !fields.has("off")) {
      source.report(
        map,
        `${label} has '${missing === "on" ? "off" : "on"}:' but no '${missing}:'; a window ` +
          `needs both, such as 'on: sunset' and 'off: "23:00"' (or use 'at:' with 'action:')`,
      );
    }
    if (fields.has("action")) {
      source.report(
        fields.get("action")!.keyNode,
        `${label} is a window (on:/off:), which switches on and off by itself; remove 'action'`,
      );
      problem();
    }
    const on = fields.has("on") ? readTime(reader, "on", context) : null;
    const off = fields.has("off") ? readTime(reader, "off", context) : null;
    if (on !== null && off !== null) {
      if (sameTime(on, off)) {
        source.report(
          fields.get("off")!.value!,
          `${label} opens and closes at the same time (${on.text}); change 'on' or 'off'`,
        );
        problem();
      }
      rule = { kind, id: "", ...common, on, off };
    }
  } else {
    const cron = reader.string("cron", (text) => checkCron(text));
    const action = readAction(reader, "a cron rule");
    if (fields.has("random")) {
      source.report(
        fields.get("random")!.keyNode,
        `${label}: 'random' does not apply to cron rules; remove it, or use 'at:' with 'random:'`,
      );
      problem();
    }
    if (run === "device") {
      source.report(
        fields.get("run")!.value!,
        `${label}: cron rules run on the host, not in the socket's timer table; ` +
          `remove 'run: device', or write the rule with 'at:' and 'days:'`,
      );
      problem();
    }
    if (cron !== null && action !== null) rule = { kind, id: "", ...common, cron, action };
  }
  if (rule === null || !sound) return null;
  return {
    rule,
    content: ruleContent(rule),
    explicitId: explicitId ?? null,
    idNode: fields.get("id")?.value ?? map,
  };
}

function sameTime(a: TimeSpec, b: TimeSpec): boolean {
  return a.kind === "fixed" && b.kind === "fixed"
    ? a.hour === b.hour && a.minute === b.minute && a.second === b.second
    : a.kind === "sun" && b.kind === "sun" && a.event === b.event &&
      a.offsetSeconds === b.offsetSeconds;
}
