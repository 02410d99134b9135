/**
 * Network namespaces for tests that need real broadcasts: two hosts joined by a veth pair, or a
 * LAN of several behind a bridge, on TEST-NET or the S20's AP subnet. Nothing leaves them;
 * they are deleted on dispose. Needs root and `ip`; tests skip with a printed reason where
 * namespaces cannot be made.
 *
 * Pairs: two network namespaces joined by a veth pair, for tests that need real broadcasts
 * (docs/protocol.md#ap-mode: the assist password to 10.10.100.255; docs/protocol.md#smartlink:
 * smartlink to the subnet broadcast address). Nothing leaves them; they are deleted in `finally`.
 * Needs root and `ip`; tests skip with a printed reason where namespaces cannot be made.
 */
import { childEnv } from "./child_env.ts";

/** Why namespaces cannot be used here, or `null` if they can (probed once, synchronously). */
export function netnsProblem(what: string): string | null {
  let problem: string | null = null;
  if (Deno.build.os !== "linux") problem = "network namespaces need Linux";
  else {
    const name = `s20probe${Deno.pid}${Math.floor(Math.random() * 1e6)}`;
    try {
      const add = new Deno.Command("ip", { args: ["netns", "add", name], stderr: "piped" })
        .outputSync();
      if (add.success) new Deno.Command("ip", { args: ["netns", "del", name] }).outputSync();
      else problem = `"ip netns add" failed: ${new TextDecoder().decode(add.stderr).trim()}`;
    } catch (error) {
      problem = `cannot run "ip": ${(error as Error).message}`;
    }
  }
  if (problem !== null) {
    // deno-lint-ignore no-console
    console.warn(`skipping ${what}: ${problem}`);
  }
  return problem;
}

/** Runs `ip` with arguments; throws with its error output on failure. */
export async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/** A device namespace and a phone namespace on one /24, created for one test. */
export interface Netns extends AsyncDisposable {
  readonly device: string;
  readonly phone: string;
}

/** Creates the pair with unique names; `deviceIp`/`phoneIp` are `a.b.c.d/24`. */
export async function createNetns(deviceIp: string, phoneIp: string): Promise<Netns> {
  const tag = `${Deno.pid % 100000}${Math.floor(Math.random() * 1e5)}`;
  const [device, phone] = [`s20pr${tag}d`, `s20pr${tag}p`];
  const created: string[] = [];
  const dispose = async () => {
    for (const ns of created) await ip("netns", "del", ns).catch(() => {});
  };
  try {
    for (const ns of [device, phone]) {
      await ip("netns", "add", ns);
      created.push(ns);
    }
    await ip("-n", device, "link", "add", "s20dev", "type", "veth", "peer", "name", "s20phone");
    await ip("-n", device, "link", "set", "s20phone", "netns", phone);
    await ip("-n", device, "addr", "add", deviceIp, "dev", "s20dev");
    await ip("-n", phone, "addr", "add", phoneIp, "dev", "s20phone");
    for (const [ns, dev] of [[device, "s20dev"], [phone, "s20phone"]] as const) {
      await ip("-n", ns, "link", "set", "lo", "up");
      await ip("-n", ns, "link", "set", dev, "up");
    }
  } catch (error) {
    await dispose();
    throw error;
  }
  return { device, phone, [Symbol.asyncDispose]: dispose };
}

/** A program running in a namespace: its output lines so far, and its end. */
export interface Running {
  readonly lines: string[];
  /** Sends a signal (SIGTERM by default) to stop it. */
  kill(signal?: Deno.Signal): void;
  /** Closes its standard input (device scripts stop on it). */
  closeStdin(): Promise<void>;
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * Runs `deno run -A` with `args` inside namespace `ns`, with `stdin` written then kept open
 * (or closed if `closeStdin`), killed after `timeoutMs`.
 */
export function runIn(
  ns: string,
  args: readonly string[],
  options: {
    stdin?: string;
    closeStdin?: boolean;
    timeoutMs: number;
    onLine?: (line: string) => void;
  },
): Running {
  const child = new Deno.Command("ip", {
    args: ["netns", "exec", ns, Deno.execPath(), "run", "-A", "--unstable-net", ...args],
    env: childEnv(),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let stdinClosed = false;
  const closeStdin = async () => {
    if (stdinClosed) return;
    stdinClosed = true;
    await writer.close().catch(() => {});
  };
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const lines: string[] = [];
  const done = (async () => {
    if (options.stdin !== undefined) await writer.write(new TextEncoder().encode(options.stdin));
    if (options.closeStdin) await closeStdin();
    const stderr = new Response(child.stderr).text();
    let stdout = "";
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      stdout += chunk;
      buffer += chunk;
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        options.onLine?.(line);
      }
    }
    const status = await child.status;
    clearTimeout(timer);
    await closeStdin();
    writer.releaseLock();
    return { code: status.code, stdout, stderr: await stderr };
  })();
  const kill = (signal: Deno.Signal = "SIGTERM") => {
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
  };
  return { lines, closeStdin, done, kill };
}

/** Waits until `running` has printed `count` lines, or `ms` pass. */
export async function waitForLines(
  running: Running,
  count: number,
  ms = 10_000,
): Promise<string[]> {
  const deadline = performance.now() + ms;
  while (running.lines.length < count && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return running.lines;
}

/** Hosts on one /24 joined by a bridge in a switch namespace; each host is a namespace. */
export interface Lan extends AsyncDisposable {
  readonly hosts: readonly { readonly ns: string; readonly ip: string }[];
}

/** Creates a LAN of hosts with these addresses (such as `192.0.2.11`), all on one /24. */
export async function createLan(addresses: readonly string[]): Promise<Lan> {
  const tag = `${Deno.pid % 10000}${Math.floor(Math.random() * 1e4)}`;
  const bridge = `s20sw${tag}`;
  const created: string[] = [];
  const dispose = async () => {
    for (const ns of created) await ip("netns", "del", ns).catch(() => {});
  };
  try {
    await ip("netns", "add", bridge);
    created.push(bridge);
    await ip("-n", bridge, "link", "add", "br0", "type", "bridge");
    await ip("-n", bridge, "link", "set", "br0", "up");
    const hosts: { ns: string; ip: string }[] = [];
    for (const [i, address] of addresses.entries()) {
      const ns = `s20h${tag}${i}`;
      await ip("netns", "add", ns);
      created.push(ns);
      await ip(
        "-n",
        bridge,
        "link",
        "add",
        `p${i}`,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns,
      );
      await ip("-n", bridge, "link", "set", `p${i}`, "master", "br0");
      await ip("-n", bridge, "link", "set", `p${i}`, "up");
      await ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
      await ip("-n", ns, "link", "set", "eth0", "up");
      await ip("-n", ns, "link", "set", "lo", "up");
      hosts.push({ ns, ip: address });
    }
    return { hosts, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** How a device/phone pair of scripts ended (see {@linkcode runDeviceAndPhone}). */
export interface PairRun {
  /** The phone script's output lines (its last line is its JSON log). */
  readonly phone: readonly string[];
  /** The device script's output lines (one JSON event each). */
  readonly device: readonly string[];
  /** Both scripts' standard error, for assertion messages. */
  readonly context: string;
}

/**
 * Runs `deviceScript` in a device namespace (`deviceIp`) until it prints a line with
 * `"ready"`, then `phoneScript` in a phone namespace (`phoneIp`); both must exit 0. The
 * scripts are written to a temporary directory, removed afterwards with the namespaces.
 */
export async function runDeviceAndPhone(
  deviceIp: string,
  phoneIp: string,
  deviceScript: string,
  phoneScript: string,
): Promise<PairRun> {
  const dir = await Deno.makeTempDir({ prefix: "s20_netns_pair_" });
  try {
    await using net = await createNetns(deviceIp, phoneIp);
    await Deno.writeTextFile(`${dir}/device.js`, deviceScript);
    await Deno.writeTextFile(`${dir}/phone.js`, phoneScript);
    const options = { timeoutMs: 20_000, closeStdin: true };
    const { promise: ready, resolve: onReady } = Promise.withResolvers<void>();
    const device = runIn(net.device, ["--no-config", "--no-lock", `${dir}/device.js`], {
      ...options,
      onLine: (line) => {
        if (line.includes('"ready"')) onReady();
      },
    });
    await Promise.race([ready, device.done]);
    const phone = runIn(net.phone, ["--no-config", "--no-lock", `${dir}/phone.js`], options);
    const [phoneEnd, deviceEnd] = [await phone.done, await device.done];
    const context = `phone: ${phoneEnd.stderr}\ndevice: ${deviceEnd.stderr}`;
    if (phoneEnd.code !== 0 || deviceEnd.code !== 0) {
      throw new Error(`phone exited ${phoneEnd.code}, device ${deviceEnd.code}\n${context}`);
    }
    return { phone: phone.lines, device: device.lines, context };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
