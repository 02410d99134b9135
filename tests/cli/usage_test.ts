import assert from "node:assert/strict";
import { COMMANDS } from "../../lib/cli/commands/mod.ts";
import { VERSION } from "../../lib/cli/main.ts";
import { run } from "../helpers/cli_run.ts";

const SNAPSHOT = new URL("./snapshots/help.txt", import.meta.url);

Deno.test("s20 --help matches its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)", async () => {
  const { code, out } = await run(["--help"]);
  assert.equal(code, 0);
  if (Deno.env.get("UPDATE_SNAPSHOTS")) await Deno.writeTextFile(SNAPSHOT, out);
  assert.equal(out, await Deno.readTextFile(SNAPSHOT));
  assert.equal((await run([])).out, out, "no arguments prints the same help");
});

Deno.test("every command has --help with usage, examples and the exit codes", async () => {
  for (const command of COMMANDS) {
    const paths = command.subcommands
      ? [[command.name], ...command.subcommands.map((s) => [command.name, s.name])]
      : [[command.name]];
    for (const path of paths) {
      const { code, out } = await run([...path, "--help"]);
      assert.equal(code, 0, path.join(" "));
      assert.match(
        out,
        new RegExp(`Usage: s20 ${path.at(-1)}|Usage: s20 ${path.join(" ")}`),
        path.join(" "),
      );
      assert.match(out, /Examples:\n {2}s20 /, path.join(" "));
      assert.match(out, /Exit codes:/, path.join(" "));
    }
  }
});

Deno.test("a mistyped command or flag exits 2 and suggests the nearest one", async () => {
  const command = await run(["stauts", "desk"]);
  assert.equal(command.code, 2);
  assert.match(command.err, /unknown command 'stauts' \(did you mean 'status'\?\)/);
  const sub = await run(["timers", "lsit", "desk"]);
  assert.equal(sub.code, 2);
  assert.match(sub.err, /did you mean 'list'/);
  const flag = await run(["on", "desk", "--tiemout", "5"]);
  assert.equal(flag.code, 2);
  assert.match(flag.err, /unknown flag '--tiemout' for 's20 on' \(did you mean '--timeout'\?\)/);
  const json = await run(["on", "--jsno"]);
  assert.equal(json.code, 2);
  const value = await run(["on", "desk", "--timeout", "soon"]);
  assert.equal(value.code, 2);
  assert.match(value.err, /--timeout must be a whole number/);
  const extra = await run(["info", "a", "b"]);
  assert.equal(extra.code, 2);
  assert.match(extra.err, /unexpected 'b'/);
  const none = await run(["on"]);
  assert.equal(none.code, 2);
  assert.match(none.err, /needs a socket/);
  const group = await run(["timers"]);
  assert.equal(group.code, 2);
  assert.match(group.err, /needs a command: list, add, rm, clear/);
});

Deno.test("errors in --json mode are JSON on stdout with a code", async () => {
  const { code, out } = await run(["on", "--json"]);
  assert.equal(code, 2);
  assert.deepEqual(JSON.parse(out), {
    error: { code: "USAGE", message: "'s20 on' needs a socket (MAC, IP, alias or name) or --all" },
  });
});

Deno.test("s20 --version prints the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.equal(VERSION, config.version);
  assert.equal((await run(["--version"])).out, `s20 ${VERSION}\n`);
  assert.deepEqual(JSON.parse((await run(["--version", "--json"])).out), { version: VERSION });
});
