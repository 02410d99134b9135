/**
 * The config file is checked like the schedule file (issue 15.5): every problem at its
 * `file:line:column` with a suggestion, exit 2, and nothing sent to the network.
 */
import assert from "node:assert/strict";
import { run, silentSocket } from "../helpers/cli_run.ts";

const SILENT = "127.0.172.2";
const FLAGS = ["--direct", "--port", "0", "--target", SILENT, "--timeout", "1000"];

/** Runs `s20 on desk` with `text` as the config file; returns the result and the file's path. */
async function withConfig(text: string, how: "--config" | "S20_CONFIG" = "--config") {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, text);
    await using silent = await silentSocket(SILENT);
    const result = how === "--config"
      ? await run(["on", "desk", ...FLAGS, "--config", path])
      : await run(["on", "desk", ...FLAGS], { env: { S20_CONFIG: path } });
    assert.equal(silent.received, 0, "a bad config file must fail before the network");
    return { ...result, path };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("an unknown config key is exit 2 at its place with the key it probably meant", async () => {
  const { code, err, path } = await withConfig(
    "sockets:\n  desk: ac:cf:23:24:19:c0\ntarget: [192.168.7.255]\n",
  );
  assert.equal(code, 2, err);
  assert.ok(
    err.includes(
      `${path}:3:1: unknown key 'target' (did you mean 'targets'?); a config file has sockets, ` +
        "schedule, targets and mqtt",
    ),
    err,
  );
  const inSocket = await withConfig("sockets:\n  desk: { mac: ac:cf:23:24:19:c0, ipp: 1.2.3.4 }\n");
  assert.equal(inSocket.code, 2);
  assert.match(
    inSocket.err,
    /config\.yaml:2:35: unknown key 'ipp' in socket 'desk' \(did you mean 'ip'\?\)/,
  );
});

Deno.test("a malformed MAC or IP in the config is exit 2 at its place, not a socket name", async () => {
  const short = await withConfig("sockets:\n  desk: ac:cf:23:00:00\n");
  assert.equal(short.code, 2, short.err);
  assert.match(
    short.err,
    /config\.yaml:2:9: socket 'desk': 'ac:cf:23:00:00' is not a MAC address \(it has 5 of 6 pairs\)/,
  );
  const long = await withConfig("sockets:\n  desk: { mac: ac:cf:23:24:19 }\n");
  assert.equal(long.code, 2);
  assert.match(long.err, /config\.yaml:2:16: 'ac:cf:23:24:19' is not a MAC address/);
  const ip = await withConfig("sockets:\n  desk: 256.1.1.1\n");
  assert.equal(ip.code, 2);
  assert.match(ip.err, /config\.yaml:2:9: socket 'desk': '256\.1\.1\.1' is not an IPv4 address/);
  const target = await withConfig("targets: [192.168.7.255, 10.0.0.300]\n");
  assert.equal(target.code, 2);
  assert.match(target.err, /config\.yaml:1:26: Cannot use "10\.0\.0\.300"/);
});

Deno.test("wrong types in the config are exit 2, every one reported with its place", async () => {
  const { code, err } = await withConfig(
    [
      "sockets:",
      "  desk: { mac: 12 }",
      "  hall: [a, b]",
      "targets: 192.168.7.255",
      "schedule: 5",
      "",
    ].join("\n"),
  );
  assert.equal(code, 2, err);
  assert.match(err, /4 errors in .*config\.yaml:/);
  assert.match(err, /config\.yaml:2:16: 'mac' of socket 'desk' must be text/);
  assert.match(err, /config\.yaml:3:9: socket 'hall' is a list; give a MAC, an IP/);
  assert.match(err, /config\.yaml:4:10: 'targets' must be a list of addresses.*such as/);
  assert.match(err, /config\.yaml:5:11: 'schedule' must be the path of a schedule file/);
  const list = await withConfig("sockets: [desk]\n");
  assert.equal(list.code, 2);
  assert.match(list.err, /config\.yaml:1:10: 'sockets' must map each alias to a socket/);
  const syntax = await withConfig("sockets:\n  desk: [\n");
  assert.equal(syntax.code, 2);
  assert.match(syntax.err, /config\.yaml:\d+:\d+: YAML syntax error/);
});

Deno.test("the same mistakes are found when the file comes from S20_CONFIG", async () => {
  const { code, err } = await withConfig("target: [192.168.7.255]\n", "S20_CONFIG");
  assert.equal(code, 2);
  assert.match(err, /config\.yaml:1:1: unknown key 'target' \(did you mean 'targets'\?\)/);
});

Deno.test("S20_CONFIG naming a missing file is the same error as --config naming it", async () => {
  const missing = "/nonexistent/s20/config.yaml";
  await using silent = await silentSocket(SILENT);
  const flag = await run(["on", "127.0.0.2", ...FLAGS, "--config", missing]);
  const env = await run(["on", "127.0.0.2", ...FLAGS], { env: { S20_CONFIG: missing } });
  assert.equal(flag.code, 2, flag.err);
  assert.equal(env.code, 2, env.err);
  assert.match(
    flag.err,
    /config file '\/nonexistent\/s20\/config\.yaml' \(from --config\) does not/,
  );
  assert.match(
    env.err,
    /config file '\/nonexistent\/s20\/config\.yaml' \(from S20_CONFIG\) does not/,
  );
  assert.equal(silent.received, 0);
  // The default path (no --config, no S20_CONFIG) may be missing: nothing to complain about.
  const quiet = await run(["on", "ac:cf:23:00:00", ...FLAGS], { env: { HOME: "/nonexistent" } });
  assert.doesNotMatch(quiet.err, /config file/);
});
