import { isScalar, isSeq } from "../yaml_source.ts";
import { parseDateRange } from "../notation/dates.ts";
import { formatDuration, parseDuration } from "../notation/duration.ts";
import type { FieldReader } from "./field_reader.ts";
import { fail, ok } from "../notation/parsed.ts";
import { closest } from "../../util/suggest.ts";
import { MAX_OFFSET_SECONDS, parseTimeSpec } from "../notation/time_spec.ts";
import type { Action, DateRange, TimeSpec } from "../types.ts";

// Readers of single rule fields: each reports its own problems and returns `null` on one.

// The grace the research recommends for missed edges after downtime (docs/scheduling.md#decisions).
const DEFAULT_CATCH_UP_SECONDS = 600;
// Ids end up in the socket's 16-byte timer labels; 12 leaves the daemon room for a prefix.
const EXPLICIT_ID = /^[A-Za-z0-9_-]{1,12}$/;

/** What the rest of the file says, as far as a rule needs it. */
export interface RuleContext {
  /** Known socket aliases. */
  readonly sockets: readonly string[];
  /** Whether `sockets:` was read in full, so an unknown alias is really unknown. */
  readonly socketsComplete: boolean;
  /** `ok`: sun times can be computed; `missing`: say so at each sun time; `invalid`: already reported. */
  readonly location: "ok" | "missing" | "invalid";
}

/** `sockets`: known aliases, each once. */
export function readSocketList(
  reader: FieldReader,
  context: RuleContext,
  misspelt: boolean,
): string[] | null {
  const entry = reader.fields.get("sockets");
  if (entry === undefined) {
    if (misspelt) return null;
    reader.source.report(
      reader.map,
      `${reader.label} names no socket; add 'sockets: <alias>' or a list` +
        (context.sockets.length > 0 ? ` (known: ${context.sockets.join(", ")})` : ""),
    );
    return null;
  }
  const aliases = reader.list("sockets", (items) => ok(items.map((i) => i.trim())));
  if (aliases === null || aliases === undefined) return null;
  if (aliases.length === 0) {
    reader.source.report(
      entry.value ?? entry.keyNode,
      `${reader.label} names no socket; list at least one`,
    );
    return null;
  }
  let sound = true;
  const node = entry.value!;
  const items = isSeq(node) ? node.items.map((item) => reader.source.resolve(item)) : [node];
  aliases.forEach((alias, i) => {
    if (!context.socketsComplete || context.sockets.includes(alias)) return;
    const hint = closest(alias, context.sockets);
    reader.source.report(
      items[i] ?? node,
      `unknown socket '${alias}'; ` +
        (hint !== null ? `did you mean '${hint}'? ` : "") +
        (context.sockets.length > 0
          ? `known: ${context.sockets.join(", ")}`
          : "define it under 'sockets:' first"),
    );
    sound = false;
  });
  return sound ? [...new Set(aliases)] : null;
}

/** `dates` or `except`; an empty list when absent. */
export function readRanges(reader: FieldReader, key: "dates" | "except"): DateRange[] | null {
  const ranges: DateRange[] = [];
  const result = reader.list<DateRange[]>(key, (items) => {
    for (const item of items) {
      const parsed = parseDateRange(item);
      if (parsed.error !== undefined) return fail(parsed.error);
      ranges.push(parsed.value);
    }
    if (ranges.length === 0) {
      return fail(`'${key}' is empty; list at least one date or range, or remove '${key}'`);
    }
    return ok(ranges);
  });
  return result === undefined ? [] : result;
}

/** `at`, `on` or `off`. */
export function readTime(
  reader: FieldReader,
  key: "at" | "on" | "off",
  context: RuleContext,
): TimeSpec | null {
  const time = reader.string(key, (text) => parseTimeSpec(text));
  if (time?.kind === "sun" && context.location === "missing") {
    reader.source.report(
      reader.fields.get(key)!.value!,
      `'${time.text}' needs to know where the sun is; add 'location: {latitude: …, longitude: …}' ` +
        `at the top of the file`,
    );
    return null;
  }
  return time;
}

/** `action`, which event and cron rules must have. */
export function readAction(reader: FieldReader, what: string): Action | null {
  if (!reader.fields.has("action")) {
    const at = reader.fields.get("at") ?? reader.fields.get("cron");
    reader.source.report(
      at?.keyNode ?? 0,
      `${reader.label} is ${what} but has no 'action'; add 'action: on' or 'action: off'`,
    );
    return null;
  }
  return reader.choice("action", ["on", "off"] as const, "on");
}

/** `random`, in seconds; 0 when absent. */
export function readRandom(reader: FieldReader): number | null {
  if (!reader.fields.has("random")) return 0;
  const seconds = reader.string("random", (text) => parseDuration(text));
  if (seconds === null) return null;
  if (seconds <= 0 || seconds > MAX_OFFSET_SECONDS) {
    reader.source.report(
      reader.fields.get("random")!.value!,
      `'random: ${formatDuration(seconds)}' must be more than 0 and at most ` +
        `${formatDuration(MAX_OFFSET_SECONDS)}; remove it for exact times`,
    );
    return null;
  }
  return seconds;
}

/** `catchUp`, in seconds; the default when absent. */
export function readCatchUp(reader: FieldReader): number | null {
  const node = reader.fields.get("catchUp")?.value;
  if (!reader.fields.has("catchUp")) return DEFAULT_CATCH_UP_SECONDS;
  // `catchUp: 0` is the natural way to switch it off, so a bare zero is accepted.
  if (node !== null && node !== undefined && isScalar(node) && node.value === 0) return 0;
  return reader.string("catchUp", (text) => parseDuration(text));
}

/** `id`: `null` when absent, `undefined` when unusable. */
export function readExplicitId(reader: FieldReader): string | null | undefined {
  const id = reader.text("id");
  if (id === undefined) return null;
  if (id === null) return undefined;
  if (!EXPLICIT_ID.test(id)) {
    reader.source.report(
      reader.fields.get("id")!.value!,
      `id '${id}' is not usable; use 1 to 12 letters, digits, '-' or '_' (it is stored in the ` +
        `socket's timer labels)`,
    );
    return undefined;
  }
  return id;
}
