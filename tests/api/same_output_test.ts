/**
 * The same commands give the same output whether the CLI talks UDP itself (`--direct`) or goes
 * through a daemon (`s20 serve`): each session starts from freshly emulated sockets on
 * 127.0.100.2–4 and runs the same commands in the same order; stdout, stderr and exit codes
 * must match. Normalised, because they differ from run to run whatever the route: clock skews
 * and the time read from a socket's clock (measured at a different instant), event times, and
 * the attempt count of a timeout (it depends on the round trips the client has measured). The
 * commands that list every socket found print them as replies arrive, so their rows are sorted.
 */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";
import { startDaemon } from "../helpers/daemon.ts";

const NET = ["--port", "0", "--target", "127.0.100.0/29", "--timeout", "1000"];
const A = "127.0.100.2";
const B = "127.0.100.3";
const MAC_C = "ac:cf:23:00:64:04";

/** Every command the CLI has that talks to sockets, with good and bad input. */
const COMMANDS: string[][] = [
  ["discover", "--wait", "600"],
  ["discover", "--wait", "600", "--names", "--json"],
  ["status", A, B],
  ["status", "--all", "--json"],
  ["on", A, MAC_C],
  ["off", MAC_C, "--json"],
  ["toggle", `${MAC_C}@127.0.100.4`],
  ["status", A, "--exit-code"],
  ["info", A],
  ["info", B, "--json"],
  ["rename", B, "Desk lamp"],
  ["status", "desk lamp", "--json"],
  ["icon", A, "fan"],
  ["timezone", A, "+05:30", "--json"],
  ["timezone", A, "Europe/London"],
  ["lock", MAC_C],
  ["unlock", MAC_C, "--json"],
  ["autooff", A, "15m"],
  ["autooff", A, "--json"],
  ["autooff", A, "off"],
  ["clock", A, B],
  ["clock", A, "--sync", "--json"],
  ["countdown", A, "10m", "--action", "on"],
  ["countdown", A, "--json"],
  ["countdown", A, "cancel"],
  ["timers", "add", A, "--on", "07:30", "--days", "mon-fri", "--id", "7"],
  ["timers", "add", A, "--off", "23:00", "--date", "2030-12-31", "--id", "8", "--json"],
  ["timers", "list", A],
  ["timers", "list", A, "--json"],
  ["timers", "rm", A, "7"],
  ["timers", "clear", A, "--json"],
  ["watch", A, "--for", "700", "--json"],
  // Mistakes and failures.
  ["rename", A, "a name far too long for it"],
  ["autooff", A, "70000", "--json"],
  ["timers", "add", A, "--on", "25:00", "--days", "mon"],
  ["timers", "add", A, "--on", "07:00", "--days", "mon", "--id", "8"],
  ["status", "127.0.100.9", "--json"],
  ["on", "ac:cf:23:00:64:09"],
  ["status", "no such name"],
  ["on", "ac:cf:23:00:64:09@127.0.100.9", "--timeout", "300", "--json"],
];

function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d/g, "<local time>")
    .replace(/[+-]\d+\.\d s/g, "<skew>")
    .replace(/"(skewMs|clockSkew|uncertaintyMs|raw)":-?\d+/g, '"$1":<n>')
    .replace(/"attempts":\d+/g, '"attempts":<n>')
    .replace(/after \d+ attempts?/g, "after <n> attempts");
}

/** Commands that list sockets as their replies arrive, in an order neither route fixes. */
function listsInArrivalOrder(command: readonly string[]): boolean {
  return command[0] === "discover" || command.includes("--all");
}

/** A listing in a fixed order: a JSON array's items by MAC, or a table's rows under its header. */
function sortListing(out: string): string {
  if (out.startsWith("[")) {
    const items: { mac: string }[] = JSON.parse(out);
    items.sort((a, b) => a.mac.localeCompare(b.mac));
    return `${JSON.stringify(items)}\n`;
  }
  const [header = "", ...rows] = out.trimEnd().split("\n");
  return `${[header, ...rows.sort()].join("\n")}\n`;
}

async function session(throughDaemon: boolean): Promise<string[]> {
  await using _sockets = await emulators(100);
  await using daemon = await startDaemon(["serve", ...NET]);
  const results: string[] = [];
  for (const command of COMMANDS) {
    const args = [...command, ...NET, ...(throughDaemon ? [] : ["--direct"])];
    const { code, err, ...printed } = await run(args, { env: { S20_DAEMON: daemon.socket } });
    const out = listsInArrivalOrder(command) && code === 0 ? sortListing(printed.out) : printed.out;
    results.push(normalise(`$ s20 ${command.join(" ")}\n[exit ${code}]\n${out}--- stderr\n${err}`));
  }
  assert.equal(await daemon.stop(), 0, daemon.io.err);
  return results;
}

Deno.test("every command prints the same through a daemon as with --direct", async () => {
  const direct = await session(false);
  const daemon = await session(true);
  for (let i = 0; i < COMMANDS.length; i++) assert.equal(daemon[i], direct[i]);
  // The comparison means something: the commands worked, and the failures failed.
  const at = (command: string) => direct[COMMANDS.findIndex((c) => c.join(" ") === command)]!;
  assert.match(at("discover --wait 600 --names --json"), /"name":null/);
  assert.match(at(`status ${A} ${B}`), /\[exit 0\]\n.*\n127\.0\.100\.2 .* off/);
  assert.match(at(`watch ${A} --for 700 --json`), /"type":"state","mac":"ac:cf:23:00:64:02"/);
  assert.match(at(`timers list ${A}`), /7 +on +07:30:00 +weekly mon,tue,wed,thu,fri/);
  assert.match(direct.at(-4)!, /\[exit 3\]/);
  assert.match(direct.at(-1)!, /DEVICE_TIMEOUT/);
});
