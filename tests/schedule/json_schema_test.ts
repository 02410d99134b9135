/**
 * lib/schedule/schedule.schema.json agrees with the parser: every good file passes it, and
 * every broken file fails it unless its error is one a schema cannot see (references,
 * calendars, cron syntax, uniqueness).
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "npm:ajv@8.17.1/dist/2020.js";
import { parse } from "npm:yaml@2.9.1";
import { checkSchedule } from "../../lib/schedule/mod.ts";
import { FIXTURES } from "../helpers/schedule_builders.ts";

const SCHEMA = new URL("../../lib/schedule/schedule.schema.json", import.meta.url);
const EXAMPLE = new URL("../../schedules.example.yaml", import.meta.url);

// Broken files whose mistake needs more than the file's shape to see.
const SCHEMA_BLIND = new Set([
  "bad_cron.yaml",
  "bad_timezone.yaml",
  "duplicate_alias.yaml",
  "duplicate_id.yaml",
  "duplicate_key_in_rule.yaml",
  "duplicate_mac.yaml",
  "duplicate_rule.yaml",
  "impossible_date.yaml",
  "not_leap_year.yaml",
  "offset_leaves_day.yaml",
  "range_backwards.yaml",
  "sun_without_location.yaml",
  "unknown_socket.yaml",
]);

function validator() {
  const schema = JSON.parse(Deno.readTextFileSync(SCHEMA));
  // strictRequired is off because "not: {required: [...]}" names keys declared one level up.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    strictRequired: false,
  });
  return ajv.compile(schema);
}

function yamlData(text: string): unknown {
  return parse(text, { version: "1.2", uniqueKeys: false });
}

Deno.test("schedule.schema.json is a valid draft 2020-12 schema", () => {
  const schema = JSON.parse(Deno.readTextFileSync(SCHEMA));
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(typeof validator(), "function");
});

Deno.test("schedule.schema.json accepts the example file and every good fixture", () => {
  const validate = validator();
  const dir = new URL("valid/", FIXTURES);
  const files = [EXAMPLE, ...[...Deno.readDirSync(dir)].map((e) => new URL(e.name, dir))];
  assert.ok(files.length >= 5);
  for (const file of files) {
    const text = Deno.readTextFileSync(file);
    assert.deepEqual(checkSchedule(text, { defaultTimeZone: "UTC" }).issues, [], file.pathname);
    assert.ok(validate(yamlData(text)), `${file.pathname}: ${JSON.stringify(validate.errors)}`);
  }
});

Deno.test("schedule.schema.json rejects every broken fixture whose mistake is in its shape", () => {
  const validate = validator();
  const dir = new URL("invalid/", FIXTURES);
  const names = [...Deno.readDirSync(dir)].map((e) => e.name)
    // YAML syntax errors never reach a schema.
    .filter((name) => !name.startsWith("yaml_"))
    .sort();
  const accepted: string[] = [];
  const blindButRejected: string[] = [];
  for (const name of names) {
    const ok = validate(yamlData(Deno.readTextFileSync(new URL(name, dir))));
    if (ok && !SCHEMA_BLIND.has(name)) accepted.push(name);
    if (!ok && SCHEMA_BLIND.has(name)) blindButRejected.push(name);
  }
  assert.deepEqual(accepted, [], "the schema should reject these");
  assert.deepEqual(blindButRejected, [], "listed as invisible to the schema, but rejected");
  assert.ok(names.length - SCHEMA_BLIND.size >= 25);
});
