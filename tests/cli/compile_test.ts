/**
 * `deno task compile` builds a single `s20` binary. The test runs the task's own command with the
 * output in a temporary folder (never `dist/` in the checkout). `deno compile` needs the `denort`
 * runtime, which these machines cannot download; set DENORT_BIN to a local denort to run this test.
 */
import assert from "node:assert/strict";
import { childEnv } from "../helpers/child_env.ts";

const denort = Deno.env.get("DENORT_BIN");
if (!denort) {
  // deno-lint-ignore no-console
  console.log(
    "compile_test: skipped: DENORT_BIN is not set (deno compile needs a local denort binary)",
  );
}

const ROOT = new URL("../..", import.meta.url).pathname;

/** The `compile` task's arguments with its `--output` moved to `output`. */
async function compileArgs(output: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const words: string[] = config.tasks.compile.split(/\s+/);
  assert.equal(words[0], "deno");
  const at = words.indexOf("--output");
  assert.equal(words[at + 1], "dist/s20", "the task builds dist/s20");
  words[at + 1] = output;
  return words.slice(1);
}

Deno.test({
  name: "deno task compile builds a single s20 binary that runs",
  ignore: !denort,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "s20-compile-" });
    try {
      const binary = `${dir}/s20`;
      const build = await new Deno.Command(Deno.execPath(), {
        args: await compileArgs(binary),
        cwd: ROOT,
        env: childEnv({ DENORT_BIN: denort! }),
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
      const help = await new Deno.Command(binary, { args: ["--help"], stdout: "piped" }).output();
      assert.equal(help.code, 0);
      assert.match(new TextDecoder().decode(help.stdout), /control Orvibo S20 Wi-Fi sockets/);
      const bad = await new Deno.Command(binary, { args: ["stauts"], stderr: "piped" }).output();
      assert.equal(bad.code, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
