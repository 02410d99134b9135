/**
 * Broadcast discovery as on a real LAN: three emulated sockets, each on its own host
 * (network namespace, bound to 0.0.0.0:10000 so it hears broadcasts), and a client on a
 * fourth host using the default targets (every interface's broadcast and 255.255.255.255).
 */
import assert from "node:assert/strict";
import { createLan, netnsProblem, runIn, waitForLines } from "../helpers/netns.ts";

const EMULATE = new URL("../../scripts/emulate.ts", import.meta.url).pathname;
const S20 = new URL("../../scripts/s20.ts", import.meta.url).pathname;
const skip = netnsProblem("broadcast discovery in network namespaces") !== null;

Deno.test({
  name:
    "discover() finds every socket on the LAN by broadcast, once each, then switches one by MAC",
  ignore: skip,
  async fn() {
    await using lan = await createLan(["192.0.2.1", "192.0.2.11", "192.0.2.12", "192.0.2.13"]);
    const [client, ...hosts] = lan.hosts;
    const sockets = hosts.map((h, i) =>
      runIn(
        h.ns,
        [
          EMULATE,
          "--no-api",
          "--address",
          "0.0.0.0",
          "--mac",
          `ac:cf:23:c0:ff:0${i + 1}`,
          "--json",
        ],
        {
          timeoutMs: 30_000,
        },
      )
    );
    const s20 = async (...args: string[]) => {
      const { code, stdout, stderr } = await runIn(client!.ns, [S20, ...args], {
        timeoutMs: 20_000,
        closeStdin: true,
      }).done;
      return { code, out: stdout, err: stderr };
    };
    try {
      for (const s of sockets) {
        assert.equal((await waitForLines(s, 1)).length, 1, "emulator started");
      }
      const found = await s20("discover", "--wait", "1500", "--json");
      assert.equal(found.code, 0, found.err);
      const list = JSON.parse(found.out) as { mac: string; ip: string; port: number }[];
      assert.deepEqual(
        list.map((s) => [s.mac, s.ip, s.port]).sort(),
        [
          ["ac:cf:23:c0:ff:01", "192.0.2.11", 10000],
          ["ac:cf:23:c0:ff:02", "192.0.2.12", 10000],
          ["ac:cf:23:c0:ff:03", "192.0.2.13", 10000],
        ],
      );
      // A socket named only by MAC is located by a broadcast qg, then switched by unicast.
      const on = await s20("on", "ac:cf:23:c0:ff:02", "--json");
      assert.equal(on.code, 0, on.err);
      const status = await s20("status", "192.0.2.12", "--json");
      assert.equal(JSON.parse(status.out)[0].on, true);
    } finally {
      for (const s of sockets) s.kill();
      await Promise.all(sockets.map((s) => s.done));
    }
  },
});
