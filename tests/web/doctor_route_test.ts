/**
 * The page's doctor (`GET /web/doctor`) and `s20 doctor` word the same findings: the daemon's
 * controller discovers and probes the named sockets through the shared report, so a locked
 * socket and a silent one read the same on the page as in the terminal.
 */
import assert from "node:assert/strict";
import { S20Client } from "../../lib/client/client.ts";
import { systemClock } from "../../lib/time/clock.ts";
import { webDataRequest } from "../../lib/web/data_routes.ts";
import { emulators, run, silentSocket } from "../helpers/cli_run.ts";
import { tempDir } from "../helpers/temp_dir.ts";

Deno.test("the page's doctor finds a locked and a silent socket as s20 doctor does", async () => {
  await using sockets = await emulators(123);
  await using _attic = await silentSocket("127.0.123.5");
  await using dir = await tempDir();
  const desk = sockets[0]!;
  await using client = new S20Client({
    hostname: "127.0.0.1",
    port: 0,
    targets: ["127.0.123.0/29"],
    timeout: 1000,
  });
  await client.socket(`${desk.mac}@127.0.123.2`).lock();
  const named = [
    { alias: "desk", mac: desk.mac, ip: "127.0.123.2" },
    { alias: "shelf", mac: null, ip: "127.0.123.3" },
    { alias: "attic", mac: null, ip: "127.0.123.5" },
  ];
  const url = new URL("http://127.0.0.1/web/doctor");
  const response = await webDataRequest(
    { controller: client, scheduler: null, clock: systemClock, sockets: () => named },
    new Request(url),
    url,
    ["doctor"],
  );
  assert.equal(response.status, 200);
  const page = await response.json();

  const locked = `desk (127.0.123.2) is locked: it answers only probes that name its MAC. ` +
    `Use '${desk.mac}@127.0.123.2' or 's20 unlock desk'.`;
  const silent = "attic (127.0.123.5) did not answer: it may be off, in pairing mode " +
    "(LED blinking), or have a new IP address (DHCP).";
  assert.deepEqual(page.findings, [locked, silent]);
  assert.deepEqual(
    page.discovered.map((d: { mac: string }) => d.mac).sort(),
    [sockets[1]!.mac, sockets[2]!.mac].sort(),
    "the locked socket does not answer the daemon's discovery",
  );
  assert.deepEqual(
    page.known.map((p: { alias: string; answersGlobal: boolean; answersMac: boolean | null }) => [
      p.alias,
      p.answersGlobal,
      p.answersMac,
    ]),
    [["desk", false, true], ["shelf", true, null], ["attic", false, null]],
  );

  // The command, on the same sockets named in its config, finds the same.
  const config = `${dir.path}/config.yaml`;
  await Deno.writeTextFile(
    config,
    `sockets:\n  desk: { mac: "${desk.mac}", ip: 127.0.123.2 }\n` +
      "  shelf: 127.0.123.3\n  attic: 127.0.123.5\n",
  );
  const cli = await run(
    ["doctor", "--port", "0", "--target", "127.0.123.0/29", "--wait", "500", "--json"],
    { env: { S20_CONFIG: config, S20_DAEMON: "off" } },
  );
  assert.equal(cli.code, 1, cli.err);
  assert.deepEqual(JSON.parse(cli.out).findings, page.findings);
});
