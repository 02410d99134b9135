/**
 * Timer records a schedule owns. The socket ignores the 16 bytes after a timer's id
 * (docs/protocol.md#table-3), so we keep `s20:<rule id>` there: a later sync recognises its own
 * records by that label and leaves everyone else's alone. Record ids derive from what the record
 * does, so the same record gets the same id at every sync.
 */
import type { TimerRecord } from "../protocol/records.ts";
import type { PlannedEvent } from "../schedule/plan_types.ts";
import { hashString } from "../util/hash.ts";

const LABEL_PREFIX = "s20:";
const LABEL_LENGTH = 16;

/**
 * The label of a record owned by a rule: `s20:` and the rule id, padded to 16 bytes.
 *
 * @example
 * ```ts
 * import { ownerLabel } from "@s20/s20/scheduler";
 *
 * const label = ownerLabel("r1a2b3c4d");
 * ```
 *
 * @param ruleId The rule's id.
 * @returns The 16 label bytes.
 */
export function ownerLabel(ruleId: string): Uint8Array {
  const text = (LABEL_PREFIX + ruleId).slice(0, LABEL_LENGTH).padEnd(LABEL_LENGTH, " ");
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f);
}

/**
 * The rule id a record's label names, or `null` for a record this schedule does not own.
 *
 * @example
 * ```ts
 * import { ownerLabel, ownerOf } from "@s20/s20/scheduler";
 * import assert from "node:assert/strict";
 *
 * const record = { id: 1, label: ownerLabel("xmas"), on: true, year: 2026, month: 12, day: 1,
 *   hour: 16, minute: 0, second: 0, weekly: false, days: 0 };
 * assert.equal(ownerOf(record), "xmas");
 * ```
 *
 * @param record A table-3 record.
 * @returns The owning rule's id, or `null`.
 */
export function ownerOf(record: TimerRecord): string | null {
  const text = String.fromCharCode(...record.label);
  return text.startsWith(LABEL_PREFIX) ? text.slice(LABEL_PREFIX.length).trimEnd() : null;
}

/**
 * The rule of `rules` that owns a record, or `null` (another program's record, or a rule the
 * schedule no longer has). Labels keep the first 12 characters of a rule id.
 *
 * @example
 * ```ts
 * import { ownerLabel, ownerRule } from "@s20/s20/scheduler";
 * import assert from "node:assert/strict";
 *
 * const record = { id: 1, label: ownerLabel("evening"), on: true, year: 2026, month: 12,
 *   day: 1, hour: 19, minute: 0, second: 0, weekly: true, days: 0x7f };
 * assert.equal(ownerRule(record, [{ id: "evening", name: "Evening" }])?.name, "Evening");
 * ```
 *
 * @param record A table-3 record.
 * @param rules The schedule's rules (anything with an `id`).
 * @returns The owning rule, or `null`.
 */
export function ownerRule<R extends { readonly id: string }>(
  record: TimerRecord,
  rules: readonly R[],
): R | null {
  const owner = ownerOf(record);
  if (owner === null) return null;
  const width = LABEL_LENGTH - LABEL_PREFIX.length;
  return rules.find((r) => r.id.slice(0, width) === owner) ?? null;
}

/** What makes two planned device events the same timer record. */
function recordKey(event: PlannedEvent): string {
  const t = event.timer!;
  const when = t.kind === "weekly"
    ? `w${t.days}@${t.hour}:${t.minute}:${t.second}`
    : `o${t.year}-${t.month}-${t.day}@${t.hour}:${t.minute}:${t.second}`;
  return `${event.ruleId}|${event.action}|${when}`;
}

/**
 * The records a socket should hold for its device events: one per weekly timer and one per
 * one-shot event, each labelled with its rule and given a stable id that avoids `takenIds`.
 *
 * @param events The socket's planned events with `run: "device"`, still to come.
 * @param takenIds Ids used by records this schedule does not own.
 * @param today The creation date weekly records carry (informational, docs/protocol.md#table-3).
 */
export function compileRecords(
  events: readonly PlannedEvent[],
  takenIds: ReadonlySet<number>,
  today: { year: number; month: number; day: number },
): TimerRecord[] {
  const byKey = new Map<string, PlannedEvent>();
  for (const e of events) {
    if (e.run === "device" && e.timer) byKey.set(recordKey(e), e);
  }
  const used = new Set(takenIds);
  const out: TimerRecord[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const event = byKey.get(key)!;
    const t = event.timer!;
    // Linear probing from the hash keeps ids stable while the set of records is stable.
    let id = (hashString(key) % 0xffff) + 1;
    while (used.has(id)) id = (id % 0xffff) + 1;
    used.add(id);
    const base = {
      id,
      label: ownerLabel(event.ruleId),
      on: event.action === "on",
      hour: t.hour,
      minute: t.minute,
      second: t.second,
    };
    out.push(
      t.kind === "weekly"
        ? { ...base, ...today, weekly: true, days: t.days }
        : { ...base, year: t.year, month: t.month, day: t.day, weekly: false, days: 0 },
    );
  }
  return out;
}
