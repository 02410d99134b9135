/**
 * The daemon's state file: a corrupt one is moved aside (the daemon starts and says what was
 * lost), saves are durable (fsync of the file, rename, fsync of the folder) and never
 * interleave.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { StateStore } from "../../lib/scheduler/state_store.ts";
import { daemonFor, QUICK, scheduleRig, tempSchedule } from "../helpers/schedule_rig.ts";

const NOW = new Date("2026-06-01T11:05:00Z");

/** Each kind of damage, made at `path`, and the reason the store must give. */
const DAMAGE: [string, (path: string) => void, RegExp][] = [
  [
    "empty (a power cut after an unflushed rename)",
    (p) => Deno.writeFileSync(p, new Uint8Array()),
    /empty file/,
  ],
  [
    "truncated",
    (p) => Deno.writeTextFileSync(p, '{"version":1,"lastFired":{"r1|desk":17'),
    /not JSON/,
  ],
  ["NUL bytes", (p) => Deno.writeFileSync(p, new Uint8Array(64)), /not JSON/],
  ["not UTF-8", (p) => Deno.writeFileSync(p, Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)), /not UTF-8/],
  ["an array", (p) => Deno.writeTextFileSync(p, "[]"), /not a state file \(an array\)/],
  ["a folder", (p) => Deno.mkdirSync(p), /a directory, not a regular file/],
  [
    "no version",
    (p) => Deno.writeTextFileSync(p, '{"lastFired":null}'),
    /format version undefined/,
  ],
  [
    "lastFired null",
    (p) => Deno.writeTextFileSync(p, '{"version":1,"lastFired":null}'),
    /"lastFired" is null/,
  ],
  [
    "a time that is not a number",
    (p) => Deno.writeTextFileSync(p, '{"version":1,"lastFired":{"r1|desk":"soon"}}'),
    /"lastFired.r1\|desk" is "soon"/,
  ],
];

Deno.test("a corrupt state file is moved aside as .corrupt-<time> and the store starts empty", async () => {
  const dir = await Deno.makeTempDir({ prefix: "s20-state-" });
  try {
    for (const [name, damage, reason] of DAMAGE) {
      const path = `${dir}/state.json`;
      damage(path);
      const store = new StateStore(path);
      const lost = store.load(NOW);
      assert.ok(lost, name);
      assert.equal(lost.path, path, name);
      assert.equal(lost.movedTo, `${path}.corrupt-20260601T110500Z`, name);
      assert.match(lost.reason, reason, name);
      assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound, name);
      await Deno.lstat(lost.movedTo); // kept for a post-mortem
      assert.equal(store.lastFired("r1", "desk"), -Infinity, name);
      // The store works on: the next save writes a good file in its place.
      await store.markFired("r1", "desk", NOW.getTime());
      const again = new StateStore(path);
      assert.equal(again.load(NOW), null, name);
      assert.equal(again.lastFired("r1", "desk"), NOW.getTime(), name);
      await Deno.remove(path);
      await Deno.remove(lost.movedTo, { recursive: true });
    }
    // Two failures in one second keep both files.
    await Deno.writeTextFile(`${dir}/state.json`, "");
    const first = new StateStore(`${dir}/state.json`).load(NOW)!;
    await Deno.writeTextFile(`${dir}/state.json`, "[]");
    const second = new StateStore(`${dir}/state.json`).load(NOW)!;
    assert.equal(second.movedTo, `${first.movedTo}-1`);
    assert.equal(await Deno.readTextFile(first.movedTo), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a good state file loads; a missing one is no problem", async () => {
  const dir = await Deno.makeTempDir({ prefix: "s20-state-" });
  try {
    const path = `${dir}/state.json`;
    assert.equal(new StateStore(path).load(NOW), null);
    await Deno.writeTextFile(path, '{"version":1,"lastFired":{"r1|desk":1780311900000}}');
    const store = new StateStore(path);
    assert.equal(store.load(NOW), null);
    assert.equal(store.lastFired("r1", "desk"), 1780311900000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const NOON = `
timezone: Europe/London
sockets: { fan: { mac: "ac:cf:23:77:35:01" } }
rules:
  - { name: Noon, sockets: fan, at: "12:00", action: on, run: host, catchUp: 30m }
`;

Deno.test("the daemon starts on an empty state file, logs once what was lost, and catches up from the schedule", async () => {
  // 12:05 BST: the noon event is 5 min past, inside its 30 min grace.
  const clock = new VirtualClock({ start: "2026-06-01T11:05:00Z" });
  await using file = await tempSchedule(NOON);
  const state = `${file.path}.state.json`;
  await Deno.writeFile(state, new Uint8Array()); // what a power cut after an unflushed rename leaves
  await using rig = await scheduleRig(NOON, { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file.path, { statePath: state });
  try {
    await daemon.start();
    await daemon.idle();
    const lost = log.filter((e) => e.kind === "state-lost");
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.level, "warn");
    assert.ok(lost[0]!.message.includes(state), lost[0]!.message);
    assert.match(lost[0]!.message, /empty file.*moved to .*\.corrupt-20260601T110500Z/);
    assert.ok(log.some((e) => e.kind === "started"));
    // Catch-up from the schedule alone: the noon event fires, and the new state records it.
    assert.equal(rig.emulators.fan!.device.on, true);
    const saved = JSON.parse(await Deno.readTextFile(state));
    assert.deepEqual(Object.values(saved.lastFired), [Date.parse("2026-06-01T11:00:00Z")]);
    await Deno.lstat(`${state}.corrupt-20260601T110500Z`);
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});

Deno.test("concurrent saves are queued: the file is whole and holds every entry", async () => {
  const dir = await Deno.makeTempDir({ prefix: "s20-state-" });
  try {
    const path = `${dir}/state.json`;
    const store = new StateStore(path);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.markFired(`r${i}`, "desk", 1000 + i)),
    );
    const again = new StateStore(path);
    assert.equal(again.load(NOW), null);
    for (let i = 0; i < 40; i++) assert.equal(again.lastFired(`r${i}`, "desk"), 1000 + i);
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(names, ["state.json"], "no temporary file is left behind");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Whether `strace` can trace a child here (it needs ptrace). */
function canTrace(): boolean {
  try {
    return new Deno.Command("strace", { args: ["-o", "/dev/null", "true"] }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "a save flushes the temporary file, renames it, then flushes the folder (strace)",
  ignore: Deno.build.os !== "linux" || !canTrace(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "s20-state-" });
    try {
      const path = `${dir}/state.json`;
      const store = new URL("../../lib/scheduler/state_store.ts", import.meta.url).href;
      const script = `import { StateStore } from "${store}";\n` +
        `await new StateStore(${JSON.stringify(path)}).markFired("r1", "desk", 1);\n`;
      const out = await new Deno.Command("strace", {
        args: [
          "-f",
          "-y", // file descriptors as paths
          "-e",
          "trace=fsync,fdatasync,rename,renameat,renameat2",
          "-o",
          `${dir}/trace`,
          Deno.execPath(),
          "eval",
          "--no-config",
          script,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      // e.g. `fsync(22</tmp/…/state.json.123.1.tmp>) = 0`, `rename("/tmp/….tmp", "/tmp/…") = 0`
      const calls = (await Deno.readTextFile(`${dir}/trace`)).split("\n")
        .filter((line) => line.includes(dir) && !line.includes("resumed"))
        .map((line) =>
          line.replace(/^\d+\s+/, "").replace(/\s+=.*$/, "").replace(/\(\d+</, "(<")
            // Other architectures rename with renameat/renameat2 and AT_FDCWD.
            .replace(/^renameat2?\(AT_FDCWD, (".*?"), AT_FDCWD, (".*?")(, 0)?\)/, "rename($1, $2)")
            .replaceAll(dir, "DIR").replaceAll(/\.\d+\.\d+\.tmp/g, ".TMP")
        );
      assert.deepEqual(calls, [
        "fsync(<DIR/state.json.TMP>)",
        'rename("DIR/state.json.TMP", "DIR/state.json")',
        "fsync(<DIR>)",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
