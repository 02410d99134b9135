/**
 * Issue 13, points 6 and 7, as `s20 schedule check` sees them: a file that is not a regular
 * file, too large or not UTF-8 is exit 2 with the reason; an alias bomb is one error, found at
 * once; a file with many errors lists 50 and says how many more.
 */
import assert from "node:assert/strict";
import { run } from "../helpers/cli_run.ts";
import { aliasBomb } from "../../scripts/_hostile_files.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "s20-cli-files-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test("s20 schedule check: a Latin-1 file is exit 2, 'not UTF-8' and where", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/latin1.yaml`;
  await Deno.writeFile(
    path,
    new Uint8Array([...new TextEncoder().encode("timezone: Europe/Z"), 0xfc]),
  );
  const { code, err } = await run(["schedule", "check", path]);
  assert.equal(code, 2);
  assert.match(err, /not UTF-8 text: byte 0xFC at line 1, column 19/);
  assert.doesNotMatch(err, /\uFFFD/, "no replacement character is shown");
  const json = await run(["schedule", "check", path, "--json"]);
  assert.equal(json.code, 2);
  assert.equal(JSON.parse(json.out).error.code, "FILE_INVALID");
});

Deno.test("s20 schedule check: a symlink to /dev/zero and a 2 MiB file are exit 2, at once", async () => {
  await using dir = await tempDir();
  const link = `${dir.path}/zero.yaml`;
  await Deno.symlink("/dev/zero", link);
  const zero = await run(["schedule", "check", link]);
  assert.equal(zero.code, 2);
  assert.match(zero.err, /character device \(a symlink to \/dev\/zero\), not a regular file/);
  const big = `${dir.path}/big.yaml`;
  await Deno.writeTextFile(big, "# padding\n".repeat(200_000));
  const large = await run(["schedule", "check", big]);
  assert.equal(large.code, 2);
  assert.match(large.err, /it is 2000000 bytes, over the 1 MiB \(1048576 bytes\) limit/);
});

Deno.test("s20 schedule check: an alias bomb of 20,000 rules × 10,000 sockets is one error", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/bomb.yaml`;
  await Deno.writeTextFile(path, aliasBomb(20_000, 10_000));
  const { code, err } = await run(["schedule", "check", path]);
  assert.equal(code, 2);
  assert.match(err, /^s20: error: 1 error in /);
  assert.match(err, /more than 100000 values once its aliases \(\*name\) are expanded/);
  assert.ok(err.length < 1000, `a short report, not ${err.length} bytes`);
});

Deno.test("s20 schedule check: 200 bad rules list 50 errors and say how many more", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/many.yaml`;
  const rules = Array.from({ length: 200 }, () => "  - {sockets: lamp, at: '25:00', action: on}");
  await Deno.writeTextFile(
    path,
    `timezone: UTC\nsockets: {lamp: {ip: 127.0.0.1}}\nrules:\n${rules.join("\n")}\n`,
  );
  const { code, err } = await run(["schedule", "check", path]);
  assert.equal(code, 2);
  assert.match(err, /^s20: error: 200 errors in /);
  assert.equal(err.split("\n").filter((l) => l.startsWith(path)).length, 50);
  assert.match(err, /^… and 150 more errors$/m);
  const json = JSON.parse((await run(["schedule", "check", path, "--json"])).out);
  assert.equal(json.errors.length, 50);
  assert.equal(json.moreErrors, 150);
});
