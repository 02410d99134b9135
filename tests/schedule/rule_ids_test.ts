/**
 * Issue 13, point 8: rules that do different things are never taken for duplicates, even when
 * the 32-bit hashes of their ids collide; rules that do the same are still refused.
 */
import assert from "node:assert/strict";
import { checkSchedule } from "../../lib/schedule/parse_schedule.ts";

const check = (rules: string[]) =>
  checkSchedule(
    `timezone: UTC\nsockets: {desk: {ip: 127.0.0.1}}\nrules:\n${rules.join("\n")}\n`,
    { file: "s.yaml" },
  );

const OFF = "  - {sockets: desk, at: '12:27:06', action: off}";
const ON = "  - {sockets: desk, at: '18:14:17', action: on}";

Deno.test("'off at 12:27:06' and 'on at 18:14:17' on desk share a 32-bit hash", () => {
  // The reproduction: alone, each gets the hash of what it does, and the hashes are equal.
  const alone = (rule: string) => check([rule]).schedule!.rules[0]!.id;
  assert.equal(alone(OFF), alone(ON));
});

Deno.test("two different rules whose hashes collide are both accepted, with distinct short ids", () => {
  const { schedule, issues } = check([OFF, ON]);
  assert.deepEqual(issues, []);
  const ids = schedule!.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, 2);
  for (const id of ids) assert.match(id, /^r[0-9a-f]{8}$/);
  // Ids do not depend on the order of the rules.
  const swapped = check([ON, OFF]).schedule!.rules.map((r) => r.id);
  assert.deepEqual(swapped, [ids[1], ids[0]]);
});

Deno.test("rules that do the same are still refused, whatever their names", () => {
  const { issues } = check([
    OFF,
    "  - {name: Lunch, sockets: [desk], at: '12:27:06', action: off}",
  ]);
  assert.deepEqual(issues.map((e) => e.message), [
    "rule 2 does the same as rule 1 (line 4); remove one of them",
  ]);
});
