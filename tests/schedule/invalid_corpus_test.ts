/**
 * A corpus of broken schedules (fixtures/invalid): each ends with `# expect: LINE:COLUMN text`
 * lines, one per error it must produce, at that place and with that text in the message.
 * Comments at the end shift no positions. No other error may appear. Each file starts with
 * `# deno-fmt-ignore-file`, so that `deno fmt` leaves the mistakes (and their columns) alone.
 */
import assert from "node:assert/strict";
import { checkSchedule, parseSchedule, ScheduleError } from "../../lib/schedule/mod.ts";
import { FIXTURES } from "../helpers/schedule_builders.ts";

const DIR = new URL("invalid/", FIXTURES);
const files = [...Deno.readDirSync(DIR)]
  .filter((entry) => entry.name.endsWith(".yaml"))
  .map((entry) => entry.name)
  .sort();

interface Expectation {
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

function expectations(text: string): Expectation[] {
  return [...text.matchAll(/^# expect: (\d+):(\d+) (.+)$/gm)].map((m) => ({
    line: Number(m[1]),
    column: Number(m[2]),
    text: m[3]!,
  }));
}

Deno.test("the corpus of broken schedules has at least 30 files, each expecting an error", () => {
  assert.ok(files.length >= 30, `only ${files.length} files`);
  for (const file of files) {
    const text = Deno.readTextFileSync(new URL(file, DIR));
    assert.ok(expectations(text).length > 0, `${file} has no '# expect:' line`);
  }
});

for (const file of files) {
  Deno.test(`checkSchedule() reports ${file} at the right line and column`, () => {
    const text = Deno.readTextFileSync(new URL(file, DIR));
    const expected = expectations(text);
    const { schedule, issues } = checkSchedule(text, { file, defaultTimeZone: "UTC" });
    assert.equal(schedule, null);
    assert.deepEqual(
      issues.map((e) => `${e.line}:${e.column}`),
      expected.map((e) => `${e.line}:${e.column}`),
      issues.map((e) => `${e.line}:${e.column}: ${e.message}`).join("\n"),
    );
    issues.forEach((issue, i) => {
      assert.equal(issue.file, file);
      assert.ok(
        issue.message.includes(expected[i]!.text),
        `${file}:${issue.line}:${issue.column}: "${issue.message}" lacks "${expected[i]!.text}"`,
      );
    });
  });
}

Deno.test("parseSchedule() throws one ScheduleError listing every error of a file", () => {
  const text = Deno.readTextFileSync(new URL("many_errors.yaml", DIR));
  let caught: unknown = null;
  try {
    parseSchedule(text, { file: "many.yaml" });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ScheduleError);
  assert.equal(caught.issues.length, 5);
  assert.equal(caught.code, "SCHEDULE_INVALID");
  const lines = caught.message.split("\n");
  assert.equal(lines[0], "Cannot load schedule many.yaml: 5 errors");
  assert.match(lines[1]!, /^many\.yaml:3:11: unknown time zone 'Mars\/Olympus'/);
  assert.match(lines[5]!, /^many\.yaml:13:11: 'someday' is not a day/);
});
