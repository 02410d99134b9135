/**
 * Automatic reload follows the file's name, not the file first seen: a save by rename (`mv`,
 * `sed -i`, an editor's safe-write) replaces the file, and every later save must reload too.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { writeFileDurably } from "../../lib/util/write_durably.ts";
import { daemonFor, QUICK, scheduleRig, tempSchedule } from "../helpers/schedule_rig.ts";

const yamlNamed = (name: string) =>
  `timezone: UTC\nsockets: { pump: { mac: "ac:cf:23:77:36:01" } }\nrules:\n` +
  `  - { name: ${name}, sockets: pump, cron: "0 * * * *", action: on }\n`;

/** Waits (real time, bounded) until `ok()` holds. */
async function until(ok: () => boolean, ms = 4000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!ok() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return ok();
}

Deno.test("every save reloads: mv over the file, sed -i, an editor's safe-write, in-place writes", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T05:50:00Z" });
  await using file = await tempSchedule(yamlNamed("First"));
  const dir = file.path.slice(0, file.path.lastIndexOf("/"));
  await using rig = await scheduleRig(yamlNamed("First"), { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file.path, {
    statePath: `${dir}/schedule.state.json`,
    watch: true,
  });
  const saves: [string, (text: string) => Promise<void>][] = [
    ["mv over it", async (text) => {
      await Deno.writeTextFile(`${dir}/new.yaml`, text);
      await Deno.rename(`${dir}/new.yaml`, file.path);
    }],
    ["sed -i (a new file renamed over it)", async (text) => {
      await Deno.writeTextFile(`${dir}/sedA1b2C3`, text);
      await Deno.chmod(`${dir}/sedA1b2C3`, 0o644);
      await Deno.rename(`${dir}/sedA1b2C3`, file.path);
    }],
    ["an editor's safe-write (old file renamed away, new one written)", async (text) => {
      await Deno.rename(file.path, `${file.path}~`);
      await Deno.writeTextFile(file.path, text);
      await Deno.remove(`${file.path}~`);
    }],
    ["an in-place write", (text) => Deno.writeTextFile(file.path, text)],
    ["mv over it again", async (text) => {
      await Deno.writeTextFile(`${dir}/new.yaml`, text);
      await Deno.rename(`${dir}/new.yaml`, file.path);
    }],
  ];
  const reloads = () => log.filter((e) => e.kind === "loaded").length;
  const seen: string[] = [];
  try {
    await daemon.start();
    for (const [i, [how, save]] of saves.entries()) {
      const name = `Save${i + 1}`;
      await save(yamlNamed(name));
      if (await until(() => daemon.schedule?.rules[0]?.name === name)) seen.push(how);
      await daemon.idle();
    }
    assert.deepEqual(seen, saves.map(([how]) => how), "each save was reloaded");
    assert.equal(reloads(), saves.length, "one reload per save (debounced)");

    // Other files in the folder (the daemon's own state file among them) reload nothing.
    await writeFileDurably(`${dir}/schedule.state.json`, '{"version":1,"lastFired":{}}\n');
    await Deno.writeTextFile(`${dir}/notes.txt`, "x");
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(reloads(), saves.length);
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});
