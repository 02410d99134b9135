/**
 * The CLI's side of automations: a missing script is exit 2 at its `file:line:column`, and
 * `s20 automations` lists and restarts what a running `s20 schedule run` hosts.
 */
import assert from "node:assert/strict";
import { run } from "../helpers/cli_run.ts";
import { startScheduleDaemon } from "../helpers/daemon.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { EXAMPLES, until } from "../helpers/automation_rig.ts";

const MISSING = `timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:04:01" } }
rules: []
automations:
  - script: ./here.ts
  - name: gone
    script: ./automations/missing.ts
`;

Deno.test("a schedule naming a missing script is exit 2 with its line and column, for check and run", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  await Deno.writeTextFile(file, MISSING);
  await Deno.writeTextFile(`${dir.path}/here.ts`, "export default async function () {}\n");
  const check = await run(["schedule", "check", file]);
  assert.equal(check.code, 2, check.err);
  assert.match(
    check.err,
    new RegExp(
      `^${file}:7:13: automation 'gone': script \\./automations/missing\\.ts does not exist ` +
        `\\(looked at ${dir.path}/automations/missing\\.ts\\); the path is relative to the schedule file$`,
      "m",
    ),
  );
  assert.doesNotMatch(check.err, /here\.ts/);
  const json = await run(["schedule", "check", file, "--json"]);
  assert.equal(json.code, 2);
  const errors = JSON.parse(json.out).errors;
  assert.deepEqual(errors.map((e: { line: number; column: number }) => [e.line, e.column]), [[
    7,
    13,
  ]]);

  const daemon = await run([
    "schedule",
    "run",
    file,
    "--port",
    "0",
    "--no-watch",
    "--socket",
    `${dir.path}/d.sock`,
  ]);
  assert.equal(daemon.code, 2, daemon.err);
  assert.match(daemon.err, /home\.yaml:7:13: automation 'gone': script .* does not exist/);
});

Deno.test("'s20 automations' lists the hosted scripts and 'restart NAME' restarts one", async () => {
  await using scripts = await tempDir();
  const script = `${scripts.path}/idle.js`;
  await Deno.writeTextFile(
    script,
    `export default async function ({ log, signal }) {
      log("up");
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }\n`,
  );
  await using daemon = await startScheduleDaemon(`timezone: Europe/London
sockets: { desk: { ip: 127.0.112.2 } }
rules: []
automations:
  - script: ${script}
`);
  const env = { S20_DAEMON: daemon.socket };
  let listed: { name: string; state: string; lastLines: string[]; restarts: number }[] = [];
  await until(
    () => daemon.io.err.includes("[idle] up") || daemon.io.out.includes("[idle] up"),
    "up",
  );
  const json = await run(["automations", "--json"], { env });
  assert.equal(json.code, 0, json.err);
  listed = JSON.parse(json.out);
  assert.deepEqual(listed.map((a) => [a.name, a.state, a.restarts, a.lastLines]), [[
    "idle",
    "running",
    0,
    ["up"],
  ]]);
  const text = await run(["automations"], { env });
  assert.match(text.out, /^idle\s+running\s+0\s+-$/m);

  const restarted = await run(["automations", "restart", "idle"], { env });
  assert.equal(restarted.code, 0, restarted.err);
  assert.equal(restarted.out, "idle: restarted\n");
  const unknown = await run(["automations", "restart", "nope"], { env });
  assert.equal(unknown.code, 3, "AUTOMATION_NOT_FOUND, as the README's table says");
  assert.match(unknown.err, /no automation 'nope'/);
});

Deno.test("'s20 schedule check' type-checks automations: a wrong default export is exit 2 at the entry", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  await Deno.writeTextFile(`${dir.path}/wrong.ts`, "export default 42;\n");
  await Deno.writeTextFile(
    file,
    `timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:04:01" }, hall: { mac: "ac:cf:23:78:04:02" } }
rules: []
automations:
  - script: ${EXAMPLES}linked_switches.ts
    options: { from: desk, to: hall }
  - script: ./wrong.ts
`,
  );
  const bad = await run(["schedule", "check", file]);
  assert.equal(bad.code, 2, bad.err);
  assert.match(
    bad.err,
    new RegExp(`^${file}:7:13: automation 'wrong': its default export is not an automation`, "m"),
  );
  assert.doesNotMatch(bad.err, /linked_switches/);

  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace("  - script: ./wrong.ts\n", ""),
  );
  const good = await run(["schedule", "check", file]);
  assert.equal(good.code, 0, good.err);
  assert.match(
    good.out,
    /valid \(0 rules, 2 sockets, zone Europe\/London, 1 automation type-checked\)/,
  );
});
