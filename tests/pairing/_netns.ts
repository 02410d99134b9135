/**
 * Two network namespaces joined by a veth pair, for tests that need real broadcasts (§5.1: the
 * assist password to 10.10.100.255; §5.2: smartlink to the subnet broadcast address). Nothing
 * leaves them; they are deleted in `finally`. Needs root and `ip`; tests skip with a printed
 * reason where namespaces cannot be made.
 */

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
  return { lines, closeStdin, done };
}
