// deno-lint-ignore-file no-console
/**
 * MQTT bridge benchmark (issue 16). Four processes, so each is measured alone: emulated sockets
 * (`scripts/emulate.ts`, instant replies), a Mosquitto broker on a free loopback port,
 * `s20 serve --mqtt` (the daemon and bridge) and this one (the MQTT and API client).
 *
 *   deno run -A scripts/bench_mqtt.ts [--commands 200] [--idle 30] [--fleet 200] [--broker-nodelay]
 *
 * `--broker-nodelay` sets Mosquitto's `set_tcp_nodelay true`; its default holds small packets for
 * a delayed ACK (~40 ms on Linux), which dominates the latency when off.
 * Prints: `/set` → confirmed retained state with 50 sockets, p50 and p99, and the same command
 * through the local API; the daemon's idle CPU and peak RSS with the bridge connected; then,
 * with `--fleet` sockets, the time from publishing `/set ON` to all of them until every
 * socket's `ON` state has been published.
 */
import { parseArgs } from "node:util";
import { mqttConnect } from "../lib/mqtt/_deps.ts";
import { emulateElsewhere, percentile, procStats, waitForSocket } from "./_emulate_elsewhere.ts";

const { values } = parseArgs({
  options: {
    commands: { type: "string", default: "200" },
    idle: { type: "string", default: "30" },
    fleet: { type: "string", default: "200" },
    "broker-nodelay": { type: "boolean", default: false },
  },
});
const COMMANDS = Math.min(2000, Number(values.commands));
const IDLE_S = Math.min(300, Number(values.idle));
const FLEET = Math.min(250, Number(values.fleet));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Mosquitto on loopback, anonymous (nothing else can reach it), stopped by `stop()`. */
async function startBroker(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = freePort();
  await Deno.writeTextFile(
    `${dir}/mosquitto.conf`,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n` +
      // Mosquitto's default leaves Nagle's algorithm on: each small packet may wait ~40 ms.
      (values["broker-nodelay"] ? "set_tcp_nodelay true\n" : "") +
      (Deno.uid() === 0 ? "user root\n" : ""),
  );
  const child = new Deno.Command("mosquitto", {
    args: ["-c", `${dir}/mosquitto.conf`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** A daemon with `count` emulated sockets behind it, bridged to a fresh broker. */
async function setup(count: number, block: string) {
  const dir = await Deno.makeTempDir({ prefix: "s20-bench-mqtt-" });
  const emulated = await emulateElsewhere(count, `${block}.1`, { instant: true });
  const broker = await startBroker(dir);
  const aliases = emulated.sockets.map((s, i) => `  s${i}: { mac: "${s.mac}", ip: ${s.address} }`);
  await Deno.writeTextFile(
    `${dir}/config.yaml`,
    `sockets:\n${aliases.join("\n")}\nmqtt:\n  url: ${broker.url}\n`,
  );
  const socketPath = `${dir}/daemon.sock`;
  const daemon = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--max-semi-space-size=1",
      new URL("./s20.ts", import.meta.url).pathname,
      ...["serve", "--socket", socketPath, "--port", "0", "--config", `${dir}/config.yaml`],
      ...["--target", `${block}.0/24`],
    ],
    env: { NO_COLOR: "1", HOME: "/nonexistent" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForSocket(socketPath, daemon);
  const client = await mqttConnect(broker.url, { clientId: `bench-${count}` });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => {
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      resolve();
    });
    client.once("error", reject);
  });
  const states = new Map<string, string>();
  const waiters = new Set<() => void>();
  client.on("message", (topic, payload) => {
    const level = topic.slice(4);
    if (level.includes("/") || payload.length === 0) return;
    states.set(level, JSON.parse(payload.toString()).state);
    for (const wake of [...waiters]) wake();
  });
  await client.subscribeAsync("s20/+", { qos: 1 });
  const until = async (test: () => boolean, ms = 30_000) => {
    const end = performance.now() + ms;
    while (!test()) {
      if (performance.now() > end) throw new Error("timed out");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 50);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  };
  await until(() => states.size === count);
  return {
    client,
    states,
    until,
    daemon,
    socketPath,
    emulated,
    async stop() {
      await client.endAsync();
      daemon.kill("SIGTERM");
      await daemon.status;
      await broker.stop();
      await emulated.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function latencies(s: Awaited<ReturnType<typeof setup>>, count: number) {
  const mqtt: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const level = `s${i % count}`;
    const want = s.states.get(level) === "ON" ? "OFF" : "ON";
    const started = performance.now();
    await s.client.publishAsync(`s20/${level}/set`, want, { qos: 1 });
    await s.until(() => s.states.get(level) === want);
    mqtt.push(performance.now() - started);
  }
  const api: number[] = [];
  using http = Deno.createHttpClient({ proxy: { transport: "unix", path: s.socketPath } });
  for (let i = 0; i < COMMANDS; i++) {
    const socket = s.emulated.sockets[i % count]!;
    const target = encodeURIComponent(`${socket.mac}@${socket.address}`);
    const started = performance.now();
    const response = await fetch(`http://daemon/v1/sockets/${target}/toggle`, {
      method: "POST",
      client: http,
    });
    await response.body?.cancel();
    api.push(performance.now() - started);
  }
  return { mqtt: mqtt.sort((a, b) => a - b), api: api.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const s = await setup(50, "127.0.116");
  try {
    const { mqtt, api } = await latencies(s, 50);
    const f = (list: number[], p: number) => percentile(list, p).toFixed(2);
    console.log(
      `50 sockets, instant replies, ${COMMANDS} commands one at a time, broker set_tcp_nodelay ${
        values["broker-nodelay"] ? "true" : "false (default)"
      }:\n` +
        `  MQTT /set → retained state: p50 ${f(mqtt, 0.5)} ms, p99 ${f(mqtt, 0.99)} ms\n` +
        `  API POST …/toggle:          p50 ${f(api, 0.5)} ms, p99 ${f(api, 0.99)} ms\n` +
        `  MQTT adds ${(percentile(mqtt, 0.5) - percentile(api, 0.5)).toFixed(2)} ms at p50`,
    );
    const before = procStats(s.daemon.pid);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const after = procStats(s.daemon.pid);
    const wall = performance.now() - started;
    console.log(
      `  daemon idle ${IDLE_S} s with the bridge connected: ` +
        `${((after.cpuMs - before.cpuMs) / wall * 100).toFixed(2)} % of one core, ` +
        `peak RSS ${after.peakRssMb.toFixed(1)} MB`,
    );
  } finally {
    await s.stop();
  }
  const fleet = await setup(FLEET, "127.0.117");
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: FLEET }, (_, i) => fleet.client.publishAsync(`s20/s${i}/set`, "ON")),
    );
    await fleet.until(() => [...fleet.states.values()].every((v) => v === "ON"));
    const after = procStats(fleet.daemon.pid);
    console.log(
      `${FLEET} sockets switched ON by MQTT at once: every state published after ` +
        `${(performance.now() - started).toFixed(0)} ms; daemon peak RSS ${
          after.peakRssMb.toFixed(1)
        } MB`,
    );
  } finally {
    await fleet.stop();
  }
}

await main();
