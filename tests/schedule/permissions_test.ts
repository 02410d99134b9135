/**
 * npm:yaml reads two debug environment variables while parsing; without the permission the
 * error must say which flag to add, not leave a bare NotCapable from inside the parser.
 */
import assert from "node:assert/strict";
import { childEnv } from "../helpers/child_env.ts";

const SCRIPT = new URL("./fixtures/parse_minimal.ts", import.meta.url).pathname;

async function run(...flags: string[]): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", ...flags, SCRIPT],
    env: childEnv(),
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("parseSchedule() names the --allow-env flag it needs when env access is denied", async () => {
  const denied = await run();
  assert.notEqual(denied.code, 0);
  assert.match(
    denied.stderr,
    /Cannot parse schedule: .*run with --allow-env=LOG_TOKENS,LOG_STREAM/,
  );
  const allowed = await run("--allow-env=LOG_TOKENS,LOG_STREAM");
  assert.equal(allowed.code, 0, allowed.stderr);
});
