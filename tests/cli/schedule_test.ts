import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";
import { childEnv } from "../helpers/child_env.ts";

async function tempFile(text: string): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "s20-cli-" });
  const path = `${dir}/home.yaml`;
  await Deno.writeTextFile(path, text);
  return { path, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

const HOME = `
timezone: Europe/London
location: { latitude: 51.5, longitude: -0.12 }
sockets:
  lamp: { ip: 127.0.86.2 }
  fan: { ip: 127.0.86.3 }
rules:
  - { name: Wake, sockets: lamp, at: "07:30", action: on, days: mon-fri }
  - { name: Dusk, sockets: [lamp, fan], at: sunset, action: on }
`;

Deno.test("s20 schedule check lists every error with file:line:column and exits 2", async () => {
  await using file = await tempFile(
    `timezone: Mars/Olympus\nsockets: { lamp: { ip: 127.0.86.2 } }\nrules:\n  - { sockets: lmap, at: "25:00", action: on }\n`,
  );
  const { code, err } = await run(["schedule", "check", file.path]);
  assert.equal(code, 2);
  const lines = err.split("\n").filter((l) => l.startsWith(file.path));
  assert.equal(lines.length, 3, err);
  assert.match(err, /^s20: error: 3 errors in /);
  assert.doesNotMatch(err, /--help/);
  assert.match(err, new RegExp(`${file.path}:1:11: .*Mars/Olympus`));
  assert.match(err, /unknown socket 'lmap'.*known: lamp/);
  assert.match(err, /25:00/);
  const json = await run(["schedule", "check", file.path, "--json"]);
  assert.equal(json.code, 2);
  const report = JSON.parse(json.out);
  assert.equal(report.valid, false);
  assert.ok(
    report.errors.every((e: { line: number; column: number }) => e.line > 0 && e.column > 0),
  );
  await using good = await tempFile(HOME);
  assert.match((await run(["schedule", "check", good.path])).out, /valid \(2 rules, 2 sockets/);
  assert.equal((await run(["schedule", "check", "/nonexistent.yaml"])).code, 2);
});

Deno.test("s20 schedule plan prints events and a timeline; --json has at and local", async () => {
  await using file = await tempFile(HOME);
  const text = await run(["schedule", "plan", file.path, "--days", "2", "--from", "2026-12-23"]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /Wed 2026-12-23 07:30:00 \+00:00\s+lamp\s+on\s+Wake/);
  assert.match(text.out, /Timeline/);
  const json = JSON.parse(
    (await run(["schedule", "plan", file.path, "--days", "1", "--from", "2026-12-23", "--json"]))
      .out,
  );
  assert.equal(json.events[0].at, "2026-12-23T07:30:00Z");
  assert.equal(json.events[0].local, "2026-12-23T07:30:00+00:00");
  assert.equal((await run(["schedule", "plan", file.path, "--from", "23/12/2026"])).code, 2);
});

Deno.test("s20 schedule sync --dry-run shows the diff; sync writes it; a second sync writes nothing", async () => {
  await using sockets = await emulators(86);
  await using file = await tempFile(HOME);
  const dry = await run(["schedule", "sync", file.path, "--dry-run", "--port", "0"]);
  assert.equal(dry.code, 0, dry.err);
  assert.match(
    dry.out,
    /lamp \(ac:cf:23:00:56:02\): clock ok; zone UTC\+08:00 → UTC\+00:00; timers \+\d+ add/,
  );
  assert.match(dry.out, /\+ \d+ on 07:30:00 weekly mon,tue,wed,thu,fri/);
  assert.equal(sockets[0]!.device.timers.length, 0, "a dry run changes nothing");
  const real = await run(["schedule", "sync", file.path, "--port", "0", "--json"]);
  assert.equal(real.code, 0, real.err);
  const report = JSON.parse(real.out);
  assert.ok(report.sockets.every((s: { verified: boolean }) => s.verified));
  // The socket started empty: it holds what the sync added (the count depends on the hour).
  const lampAdded = report.sockets.find((s: { socket: string }) => s.socket === "lamp").timers.add
    .length;
  assert.ok(lampAdded === 7 || lampAdded === 8, String(lampAdded));
  assert.equal(sockets[0]!.device.timers.length, lampAdded);
  const again = JSON.parse(
    (await run(["schedule", "sync", file.path, "--port", "0", "--json"])).out,
  );
  assert.ok(
    again.sockets.every((s: { timers: { add: unknown[]; modify: unknown[]; remove: unknown[] } }) =>
      s.timers.add.length + s.timers.modify.length + s.timers.remove.length === 0
    ),
  );
});

Deno.test("s20 schedule run logs its decisions, reloads on SIGHUP and stops on SIGTERM", async () => {
  await using sockets = await emulators(87);
  await using file = await tempFile(HOME.replaceAll("127.0.86.", "127.0.87."));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../scripts/s20.ts", import.meta.url).pathname,
      "schedule",
      "run",
      file.path,
      "--port",
      "0",
      "--log-format",
      "json",
      "--state",
      `${file.path}.state`,
      "--no-watch",
      // Never the default socket path, where other tests' commands would find this daemon.
      "--socket",
      `${file.path}.sock`,
    ],
    env: childEnv(),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const lines: { kind: string; message: string }[] = [];
  let buffer = "";
  async function until(
    kind: string,
    wanted = (l: { kind: string; message: string }) => l.kind === kind,
  ) {
    const deadline = performance.now() + 15_000;
    while (!lines.some(wanted)) {
      const left = deadline - performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = await Promise.race([
        reader.read(),
        new Promise<null>((r) => (timer = setTimeout(() => r(null), Math.max(0, left)))),
      ]);
      clearTimeout(timer);
      if (next === null) throw new Error(`no '${kind}' in ${JSON.stringify(lines)}`);
      const { value, done } = next;
      if (done) throw new Error("the daemon exited");
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
    }
  }
  try {
    await until("synced");
    await until("synced", (l) => l.kind === "synced" && l.message.startsWith("lamp:"));
    // The lamp started empty: it holds what the first sync added (the count depends on the hour).
    const synced = lines.find((l) => l.kind === "synced" && l.message.startsWith("lamp:"))!.message;
    const added = Number(/timers \+(\d+) ~0 -0 =0/.exec(synced)?.[1]);
    assert.ok(added === 7 || added === 8, synced);
    assert.equal(sockets[0]!.device.timers.length, added);
    await Deno.writeTextFile(file.path, "rules: [");
    child.kill("SIGHUP");
    await until("reload-failed");
  } finally {
    child.kill("SIGTERM");
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    const status = await child.status;
    await child.stderr.cancel().catch(() => {});
    assert.equal(status.code, 0);
  }
  assert.ok(lines.some((l) => l.kind === "started"));
});
