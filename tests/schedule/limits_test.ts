/**
 * Issue 13, point 7: a schedule cannot make its checker (or the daemon) do unbounded work.
 * Aliases are expanded once per anchor, under a cap of values and nesting; rules, sockets and
 * rule × socket pairs have limits, each stated in its error.
 */
import assert from "node:assert/strict";
import { checkSchedule } from "../../lib/schedule/parse_schedule.ts";
import { aliasBomb } from "../../scripts/_hostile_files.ts";

const check = (text: string) => checkSchedule(text, { file: "s.yaml", defaultTimeZone: "UTC" });
const messages = (text: string) => check(text).issues.map((e) => `${e.line}: ${e.message}`);

Deno.test("an alias bomb is refused with one error about expanded values", () => {
  const { schedule, issues } = check(aliasBomb(20_000, 10_000));
  assert.equal(schedule, null);
  assert.equal(issues.length, 1, issues.slice(0, 3).map((e) => e.message).join("\n"));
  assert.match(issues[0]!.message, /more than 100000 values once its aliases/);
});

Deno.test("aliases in a reasonable file still work, and resolve to the anchor before them", () => {
  const text = [
    "sockets: {a: {ip: 127.0.0.1}, b: {ip: 127.0.0.2}}",
    "rules:",
    "  - {sockets: &both [a, b], at: '07:00', action: on, days: &week mon-fri}",
    "  - {sockets: *both, at: '08:00', action: off, days: *week}",
    "  - {sockets: &both [a], at: '09:00', action: off}",
    "  - {sockets: *both, at: '10:00', action: on}",
  ].join("\n");
  const { schedule, issues } = check(text);
  assert.deepEqual(issues, []);
  assert.deepEqual(schedule!.rules.map((r) => r.sockets), [["a", "b"], ["a", "b"], ["a"], ["a"]]);
});

Deno.test("nesting deeper than 64 and an alias inside its own anchor are refused", () => {
  assert.match(messages(`a: ${"[".repeat(100)}${"]".repeat(100)}`)[0]!, /nested more than 64 deep/);
  assert.match(messages("a: &a [1, *a]")[0]!, /refers to a value it is inside of/);
});

Deno.test("more than 1000 rules, 1000 sockets or 10000 rule × socket pairs are refused", () => {
  const rule = (i: number) =>
    `  - {sockets: s, at: '${String(Math.floor(i / 60) % 24).padStart(2, "0")}:${
      String(i % 60).padStart(2, "0")
    }:${String(Math.floor(i / 1440)).padStart(2, "0")}', action: on}`;
  const rules = (n: number) => Array.from({ length: n }, (_, i) => rule(i)).join("\n");
  const one = "sockets: {s: {ip: 127.0.0.1}}";
  assert.deepEqual(messages(`${one}\nrules:\n${rules(1000)}`), []);
  assert.deepEqual(messages(`${one}\nrules:\n${rules(1001)}`), [
    "3: the schedule has 1001 rules, over the limit of 1000; merge rules that share a time " +
    "(a rule can switch several sockets), or split the file",
  ]);
  const names = Array.from({ length: 1001 }, (_, i) => `s${i}`);
  const many = `sockets:\n${names.map((n) => `  ${n}: {name: x${n}}`).join("\n")}`;
  assert.match(
    messages(`${many}\nrules:\n  - {sockets: s0, at: '07:00', action: on}`)[0]!,
    /'sockets' has 1001 aliases, over the limit of 1000/,
  );
  // 101 rules × 100 sockets: each rule fine, together over the limit.
  const hundred = names.slice(0, 100);
  const wide = `sockets:\n${hundred.map((n) => `  ${n}: {name: x${n}}`).join("\n")}\nrules:\n` +
    Array.from(
      { length: 101 },
      (_, i) => rule(i).replace("sockets: s,", `sockets: &l${i} [${hundred}],`),
    )
      .join("\n");
  assert.deepEqual(messages(wide).map((m) => m.replace(/^\d+: /, "")), [
    "the rules switch 10100 sockets in all (counting a socket once per rule), over the limit " +
    "of 10000; use fewer rules or fewer sockets per rule",
  ]);
});
