/**
 * `deno task compile` builds dist/s20. `deno compile` needs the `denort` runtime, which these
 * machines cannot download; set DENORT_BIN to a local denort to run this test.
 */
import assert from "node:assert/strict";

const denort = Deno.env.get("DENORT_BIN");
if (!denort) {
  // deno-lint-ignore no-console
  console.log(
    "compile_test: skipped: DENORT_BIN is not set (deno compile needs a local denort binary)",
  );
}

Deno.test({
  name: "deno task compile builds a single s20 binary that runs",
  ignore: !denort,
  async fn() {
    const root = new URL("../..", import.meta.url).pathname;
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["task", "compile"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const help = await new Deno.Command(`${root}dist/s20`, { args: ["--help"], stdout: "piped" })
      .output();
    assert.equal(help.code, 0);
    assert.match(new TextDecoder().decode(help.stdout), /control Orvibo S20 Wi-Fi sockets/);
    const bad = await new Deno.Command(`${root}dist/s20`, { args: ["stauts"], stderr: "piped" })
      .output();
    assert.equal(bad.code, 2);
  },
});
