/**
 * `s20 schedule check` type-checks automations with `deno check`: the permissions the project
 * ships (`s20` task, `deno task install`, the script's `#!` line) let it run deno; without them,
 * and in a compiled `s20`, it says why it skipped that step and what would make it run.
 */
import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { denoToRun } from "../../lib/scheduler/automation_types.ts";
import { PERMISSIONS, S20, s20Process } from "../helpers/s20_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const SCHEDULE = `timezone: Europe/London
sockets: { desk: { mac: "ac:cf:23:78:05:01" } }
rules: []
automations:
  - script: ./wrong.ts
`;

/** The `--allow-*` flags of a command line. */
const allows = (line: string) => line.split(/\s+/).filter((w) => w.startsWith("--allow-")).sort();

Deno.test("the shipped s20 task, install task and #! line grant the same permissions, deno among them", async () => {
  const shebang = (await Deno.readTextFile(S20)).split("\n")[0]!;
  assert.deepEqual(allows(config.tasks.install), allows(config.tasks.s20));
  assert.deepEqual(allows(shebang), allows(config.tasks.s20));
  assert.ok(PERMISSIONS.includes("--allow-run=ss,ps,deno"), PERMISSIONS.join(" "));
});

Deno.test("under the shipped permissions 's20 schedule check' type-checks; without run=deno it names the flag", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  await Deno.writeTextFile(file, SCHEDULE);
  await Deno.writeTextFile(`${dir.path}/wrong.ts`, "export default 42;\n");

  const shipped = await s20Process(["schedule", "check", file]);
  assert.equal(shipped.code, 2, shipped.err);
  assert.match(shipped.err, /home\.yaml:5:13: automation 'wrong': its default export is not an/);
  assert.doesNotMatch(shipped.err, /note/);

  const narrow = PERMISSIONS.map((p) => p.startsWith("--allow-run") ? "--allow-run=ss,ps" : p);
  const skipped = await s20Process(["schedule", "check", file], {}, narrow);
  assert.equal(skipped.code, 0, skipped.err);
  assert.equal(
    skipped.err,
    "s20: note: automations not type-checked: running deno is not allowed; add " +
      "--allow-run=deno to the deno run flags (with the shipped ones: --allow-run=ss,ps,deno)\n",
  );
  assert.match(
    skipped.out,
    /valid \(0 rules, 1 socket, zone Europe\/London, 1 automation not type-checked\)/,
  );
});

Deno.test("a compiled s20 (its own executable, not deno) skips the type check and says no flag helps", () => {
  const compiled = denoToRun("/usr/local/bin/s20");
  assert.ok("skipped" in compiled);
  assert.match(
    compiled.skipped,
    /^this s20 is a compiled program \(\/usr\/local\/bin\/s20\), which cannot run 'deno check'; type-check a script with 'deno check SCRIPT'/,
  );
  // Run by deno with every permission, the running deno itself is used.
  assert.deepEqual(denoToRun(Deno.execPath()), { command: Deno.execPath() });
});
