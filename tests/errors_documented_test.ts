/**
 * The error codes are documented where users look: the README's table of error codes is
 * exactly `ERROR_CODES` (code, exit code, HTTP status, meaning).
 */
import assert from "node:assert/strict";
import { ERROR_CODES, type ErrorCode } from "../mod.ts";

const START = "<!-- error-codes: generated from ERROR_CODES in lib/errors.ts -->";
const END = "<!-- /error-codes -->";

/** The README's table, as ERROR_CODES says it must be. */
function expectedTable(): string {
  const rows = (Object.entries(ERROR_CODES) as [ErrorCode, (typeof ERROR_CODES)[ErrorCode]][])
    .map(([code, { exit, http, summary }]) => `| \`${code}\` | ${exit} | ${http} | ${summary} |`);
  return ["| Code | Exit | HTTP | Meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The rows of a Markdown table with runs of spaces and dashes (deno fmt's padding) squeezed. */
function normalized(table: string): string {
  return table.trim().split("\n").map((line) =>
    line.split("|").map((cell) => cell.trim().replace(/^-+$/, "---")).join(" | ").trim()
  ).join("\n");
}

Deno.test("the README's table of error codes is ERROR_CODES", () => {
  const readme = Deno.readTextFileSync(new URL("../README.md", import.meta.url));
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `README.md has the table between ${START} and ${END}`);
  const table = readme.slice(start + START.length, end);
  assert.equal(
    normalized(table),
    normalized(expectedTable()),
    `README.md's table must be, before deno fmt pads it:\n${expectedTable()}`,
  );
  for (const code of Object.keys(ERROR_CODES)) assert.match(table, new RegExp(`\`${code}\``));
});
