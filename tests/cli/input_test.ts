/**
 * Bad arguments are usage errors at once (issue 15.4): each names the argument and exits 2
 * before any packet is sent. A silent UDP listener stands where the CLI would look for sockets
 * by name; it must receive nothing.
 */
import assert from "node:assert/strict";
import { emulators, net, run, silentSocket } from "../helpers/cli_run.ts";

const SILENT = "127.0.170.2";
const QUIET = ["--direct", "--port", "0", "--target", SILENT, "--timeout", "1000"];

/** `args` then the QUIET flags it does not set itself (a repeated flag's last value wins). */
function quiet(args: string[]): string[] {
  const pairs = [["--port", "0"], ["--target", SILENT], ["--timeout", "1000"]];
  return [...args, "--direct", ...pairs.filter(([f]) => !args.includes(f!)).flat()];
}

async function usageError(args: string[], message: RegExp): Promise<void> {
  await using silent = await silentSocket(SILENT);
  const { code, err } = await run(quiet(args));
  assert.equal(code, 2, `${args.join(" ")}: ${err}`);
  assert.match(err, message, args.join(" "));
  assert.equal(silent.received, 0, `${args.join(" ")} sent packets before failing`);
}

Deno.test("a malformed MAC is a usage error naming it, not a name to search for", async () => {
  await usageError(
    ["on", "ac:cf:23:00:00"],
    /socket 'ac:cf:23:00:00' is not a MAC address \(it has 5 of 6 pairs\); write six hex pairs/,
  );
  await usageError(["status", "accf232419c"], /'accf232419c' is not a MAC address \(it has 11/);
  await usageError(
    ["info", "ac:cf:23:24:19@127.0.0.2"],
    /'ac:cf:23:24:19' is not a MAC address/,
  );
});

Deno.test("an impossible IP or port is a usage error naming it", async () => {
  await usageError(["on", "256.1.1.1"], /socket '256.1.1.1' is not an IPv4 address \(256 is over/);
  await usageError(["off", "192.168.1"], /'192.168.1' is not an IPv4 address \(it has 3 of 4/);
  await usageError(
    ["status", "127.0.0.1:70000"],
    /socket '127.0.0.1:70000' has a bad port \('70000'\); a port is a whole number from 1 to 65535/,
  );
  await usageError(["on", "127.0.0.1", "--port", "70000"], /--port must be a whole number/);
  await usageError(
    ["on", "127.0.0.1", "--hostname", "256.1.1.1"],
    /--hostname must be a local IPv4/,
  );
});

Deno.test("every socket argument is checked before the first one is looked up", async () => {
  // 'desk' alone would start a name lookup; the bad MAC after it must fail first.
  await usageError(["on", "desk", "ac:cf:23:00:00"], /'ac:cf:23:00:00' is not a MAC address/);
});

Deno.test("names that only contain hex letters or a dash are still names", async () => {
  await using silent = await silentSocket(SILENT);
  const { code, err } = await run(["on", "bed-1", ...QUIET]);
  assert.equal(code, 3, err);
  assert.match(err, /Cannot find socket "bed-1"/);
  assert.ok(silent.received > 0, "a name is looked up on the network");
});

Deno.test("a negative duration reaches the command's own check", async () => {
  await usageError(
    ["countdown", "127.0.0.2", "-5"],
    /countdown: '-5' must be a duration of 1 s or more/,
  );
  await usageError(["countdown", "127.0.0.2", "0"], /countdown: '0' must be a duration of 1 s/);
  await usageError(
    ["countdown", "127.0.0.2", "19h"],
    /countdown: '19h' is longer than the socket can count, 18h12m15s/,
  );
  await usageError(
    ["countdown", "127.0.0.2", "5m", "--action", "maybe"],
    /--action must be 'on' or 'off', not 'maybe'/,
  );
  await usageError(["autooff", "127.0.0.2", "-5"], /autooff: '-5' must be a duration.*or 'off'/);
  // A negative value after a flag is the flag's value, still checked by the flag.
  await usageError(["on", "127.0.0.2", "--timeout", "-5"], /--timeout must be a whole number/);
});

Deno.test("timers rm names the ID argument, not --id", async () => {
  await usageError(
    ["timers", "rm", "127.0.0.2", "99999"],
    /timers rm: ID '99999' must be a whole number from 0 to 65535/,
  );
  const { err } = await run(["timers", "rm", "127.0.0.2", "-1", ...QUIET]);
  assert.doesNotMatch(err, /--id|unknown flag/);
});

Deno.test("timers rm of a timer the socket does not have exits 3 and removes nothing", async () => {
  await using sockets = await emulators(171);
  const socket = "127.0.171.2";
  const added = await run([
    "timers",
    "add",
    socket,
    "--on",
    "07:30",
    "--days",
    "daily",
    "--id",
    "7",
    ...net(171),
  ]);
  assert.equal(added.code, 0, added.err);
  const missing = await run(["timers", "rm", socket, "4242", ...net(171)]);
  assert.equal(missing.code, 3, missing.err);
  assert.match(
    missing.err,
    /timers rm: timer 4242 not found on 127\.0\.171\.2 \(ac:cf:23:00:ab:02\); its timers are 7/,
  );
  assert.doesNotMatch(missing.out, /removed/);
  const json = await run(["timers", "rm", socket, "4242", "--json", ...net(171)]);
  assert.equal(json.code, 3);
  assert.equal(JSON.parse(json.out).error.code, "TIMER_NOT_FOUND");
  assert.equal(sockets[0]!.device.timers.length, 1, "the existing timer is kept");
  const removed = await run(["timers", "rm", socket, "7", ...net(171)]);
  assert.equal(removed.code, 0, removed.err);
  assert.match(removed.out, /timer 7 removed/);
  const empty = await run(["timers", "rm", socket, "7", ...net(171)]);
  assert.equal(empty.code, 3);
  assert.match(empty.err, /timer 7 not found on .*; it has no timers/);
});
