/**
 * `s20 watch` prints each event once, however many copies the socket sends: a restart's 21
 * announcements are one line, a button press (pushed twice) is one line.
 */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";

/** `s20 watch ARGS --json` listening on 127.0.<block>.1:10000, while `act` runs, then stopped. */
async function watchDuring(
  block: number,
  args: string[],
  act: () => Promise<void>,
): Promise<{ code: number; events: { type: string; on?: boolean }[]; err: string }> {
  const stop = new AbortController();
  const running = run(
    ["watch", ...args, "--hostname", `127.0.${block}.1`, "--port", "10000", "--json"],
    { signal: stop.signal },
  );
  await act();
  stop.abort();
  const { code, out, err } = await running;
  const events = out.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));
  return { code, events, err };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("s20 watch --json: a socket rebooting (21 announcements) is one line", async () => {
  // Announcements go to the broadcast address; on loopback, point them at the watch.
  await using sockets = await emulators(193, {
    announceTo: { hostname: "127.0.193.1", port: 10000 },
    announceIntervalMs: 20,
  });
  const { code, events, err } = await watchDuring(193, [], async () => {
    await pause(300);
    sockets[0]!.device.reboot();
    await pause(21 * 20 + 400);
  });
  assert.equal(code, 0, err);
  assert.deepEqual(events.map((e) => e.type), ["reboot"]);
});

Deno.test("s20 watch --json: a button press (pushed twice) is one line", async () => {
  await using sockets = await emulators(194);
  const { code, events, err } = await watchDuring(194, ["127.0.194.2"], async () => {
    await pause(400);
    sockets[0]!.device.pressButton();
    await pause(400);
  });
  assert.equal(code, 0, err);
  // The first line is the state the subscription reports, the second the press.
  assert.deepEqual(events.map((e) => [e.type, e.on]), [["state", false], ["state", true]]);
});

Deno.test("s20 watch without a daemon says to start s20 serve for other commands", async () => {
  await using _ = await emulators(195);
  const { code, err } = await run([
    "watch",
    "127.0.195.2",
    "--hostname",
    "127.0.195.1",
    "--port",
    "10000",
    "--for",
    "300",
  ]);
  assert.equal(code, 0, err);
  assert.match(
    err,
    /other s20 commands cannot reach the sockets meanwhile: .*start 's20 serve' first/,
  );
});
