/**
 * A real MQTT broker for tests: Mosquitto 2 from the distribution's packages, on a free loopback
 * port, with a generated config (a password file, no anonymous access) in a temporary folder,
 * plain MQTT or, with `tls`, MQTT over TLS with a throwaway CA.
 * The tests' own client is `mosquitto_sub`/`mosquitto_pub`, not s20's MQTT code.
 */

import assert from "node:assert/strict";
import { findTool } from "./find_tool.ts";
import { makeCa, makeServerCert } from "./tls_certs.ts";

/** One message as `mosquitto_sub -F %j` prints it. */
export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

/**
 * Whether tests of `what` must skip because Mosquitto or its clients are missing (`.ci/run`
 * installs them); says so on stderr when they must.
 */
export function mosquittoMissing(what: string): boolean {
  const tools = ["mosquitto", "mosquitto_sub", "mosquitto_pub", "mosquitto_passwd"];
  const missing = tools.filter((tool) => !findTool(tool));
  if (missing.length === 0) return false;
  // deno-lint-ignore no-console
  console.warn(
    `skipping ${what}: ${
      missing.join(", ")
    } not installed (apt-get install mosquitto mosquitto-clients)`,
  );
  return true;
}

/** Fails when a CLI run's standard output or error holds `secret` (the broker password). */
export function assertSecretUnseen(
  io: { readonly out: string; readonly err: string },
  secret: string,
  what = "",
): void {
  assert.ok(!io.out.includes(secret), `${what}password in standard output`);
  assert.ok(!io.err.includes(secret), `${what}password in standard error:\n${io.err}`);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(tool: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(findTool(tool)!, { args, stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`${tool} failed: ${new TextDecoder().decode(stderr)}`);
}

/** A running broker and the test's own clients for it. */
export class Broker implements AsyncDisposable {
  readonly dir: string;
  readonly port: number;
  readonly username = "s20test";
  readonly password: string;
  /** The CA certificate (PEM file) that signed the broker's, on a TLS broker. */
  readonly caFile: string | null;
  #process: Deno.ChildProcess | null = null;
  #subs = new Set<Subscription>();

  private constructor(dir: string, port: number, password: string, caFile: string | null) {
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.caFile = caFile;
  }

  /** `mqtt://127.0.0.1:PORT`, or `mqtts://…` on a TLS broker. */
  get url(): string {
    return `${this.caFile ? "mqtts" : "mqtt"}://127.0.0.1:${this.port}`;
  }

  /**
   * Writes the config and password file and starts the broker. With `tls`, its one listener
   * speaks TLS only, with a certificate for 127.0.0.1 signed by a CA made for it (`caFile`);
   * `openssl` must be there (see `opensslMissing`).
   */
  static async start(options: { readonly tls?: boolean } = {}): Promise<Broker> {
    const dir = await Deno.makeTempDir({ prefix: "s20-mqtt-" });
    const password = `pw-${crypto.randomUUID()}`;
    let tls: string[] = [];
    let caFile: string | null = null;
    if (options.tls) {
      const ca = await makeCa(dir, "ca");
      const server = await makeServerCert(dir, "server", ca, "127.0.0.1");
      caFile = ca.cert;
      tls = [`cafile ${ca.cert}`, `certfile ${server.cert}`, `keyfile ${server.key}`];
    }
    const broker = new Broker(dir, freePort(), password, caFile);
    await run("mosquitto_passwd", ["-b", "-c", `${dir}/passwd`, broker.username, password]);
    await Deno.chmod(`${dir}/passwd`, 0o600);
    await Deno.writeTextFile(
      `${dir}/mosquitto.conf`,
      [
        `listener ${broker.port} 127.0.0.1`,
        ...tls,
        "allow_anonymous false",
        `password_file ${dir}/passwd`,
        "persistence false",
        "log_dest stderr",
        // As root, Mosquitto drops to the 'mosquitto' user, which cannot read our files.
        ...(Deno.uid() === 0 ? ["user root"] : []),
        "",
      ].join("\n"),
    );
    await broker.startAgain();
    return broker;
  }

  /** Starts the broker (again) on the same port and waits until it accepts connections. */
  async startAgain(): Promise<void> {
    this.#process = new Deno.Command(findTool("mosquitto")!, {
      args: ["-c", `${this.dir}/mosquitto.conf`],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
        conn.close();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`mosquitto did not listen on ${this.port} within 10 s`);
  }

  /** Stops the broker (its retained messages go with it: no persistence). */
  async stop(): Promise<void> {
    const process = this.#process;
    if (!process) return;
    this.#process = null;
    process.kill("SIGTERM");
    await process.status;
  }

  #auth(): string[] {
    const tls = this.caFile ? ["--cafile", this.caFile] : [];
    return [
      "-h",
      "127.0.0.1",
      "-p",
      String(this.port),
      "-u",
      this.username,
      "-P",
      this.password,
      ...tls,
    ];
  }

  /** `mosquitto_pub`: one message, QoS 1. */
  async pub(topic: string, payload: string | Uint8Array, options: { retain?: boolean } = {}) {
    const args = [...this.#auth(), "-q", "1", "-t", topic];
    if (options.retain) args.push("-r");
    if (typeof payload === "string" && payload.length < 10_000) {
      await run("mosquitto_pub", [...args, "-m", payload]);
      return;
    }
    const file = `${this.dir}/payload-${crypto.randomUUID()}`;
    await Deno.writeFile(
      file,
      typeof payload === "string" ? new TextEncoder().encode(payload) : payload,
    );
    try {
      await run("mosquitto_pub", [...args, "-f", file]);
    } finally {
      await Deno.remove(file);
    }
  }

  /**
   * `mosquitto_sub` on `filters`, collecting every message (retained ones first). Resolves once
   * the subscription is in place: a probe published after it has come back.
   */
  async sub(...filters: string[]): Promise<Subscription> {
    const probe = `s20test/probe/${crypto.randomUUID()}`;
    const process = new Deno.Command(findTool("mosquitto_sub")!, {
      args: [
        ...this.#auth(),
        "-q",
        "1",
        "-F",
        "%j",
        ...[...filters, probe].flatMap((f) => ["-t", f]),
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const sub = new Subscription(process, () => this.#subs.delete(sub));
    this.#subs.add(sub);
    for (let i = 0; i < 50; i++) {
      await this.pub(probe, "probe");
      try {
        await sub.waitFor((m) => m.topic === probe, "probe", 200);
        return sub;
      } catch {
        // Not subscribed yet.
      }
    }
    await sub.close();
    throw new Error("mosquitto_sub did not subscribe within 10 s");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.#subs].map((s) => s.close()));
    await this.stop();
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** Messages received by one `mosquitto_sub`. */
export class Subscription implements AsyncDisposable {
  readonly messages: Received[] = [];
  readonly #process: Deno.ChildProcess;
  readonly #reading: Promise<void>;
  readonly #onClose: () => void;
  #waiters = new Set<() => void>();

  constructor(process: Deno.ChildProcess, onClose: () => void) {
    this.#process = process;
    this.#onClose = onClose;
    this.#reading = this.#read();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of this.#process.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim() === "") continue;
        const j = JSON.parse(line) as { topic: string; payload?: unknown; retain: number };
        const payload = typeof j.payload === "string"
          ? j.payload
          : j.payload === undefined || j.payload === null
          ? ""
          : JSON.stringify(j.payload);
        this.messages.push({ topic: j.topic, payload, retain: j.retain === 1 });
        for (const wake of [...this.#waiters]) wake();
      }
    }
  }

  /** The first message from now on that `match` accepts. */
  next(match: (m: Received) => boolean, what: string, timeoutMs = 10_000): Promise<Received> {
    return this.waitFor(match, what, timeoutMs, this.messages.length);
  }

  /**
   * The first message that `match` accepts among those received once `action` (a
   * `mosquitto_pub`, say) has begun: the answer may come before the action's promise settles,
   * which `next` after it would miss.
   */
  async after(
    action: () => Promise<unknown>,
    match: (m: Received) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<Received> {
    const from = this.messages.length;
    await action();
    return this.waitFor(match, what, timeoutMs, from);
  }

  /** The first message (already received, from index `from`, or coming) that `match` accepts. */
  async waitFor(
    match: (m: Received) => boolean,
    what: string,
    timeoutMs = 10_000,
    from = 0,
  ): Promise<Received> {
    const until = Date.now() + timeoutMs;
    let seen = from;
    while (true) {
      const found = this.messages.slice(seen).find(match);
      if (found) return found;
      seen = this.messages.length;
      const left = until - Date.now();
      if (left <= 0) {
        throw new Error(
          `no message ${what} within ${timeoutMs} ms; got:\n${
            this.messages.map((m) =>
              `${m.topic} ${m.retain ? "(r) " : ""}${m.payload.slice(0, 200)}`
            )
              .join("\n")
          }`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 200));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
      this.#waiters.clear();
    }
  }

  /** Messages on `topic` so far. */
  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async close(): Promise<void> {
    try {
      this.#process.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await this.#process.status;
    await this.#reading.catch(() => {});
    this.#onClose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
