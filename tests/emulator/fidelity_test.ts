/**
 * The emulator against real traffic: every request in ../shared/captures replayed into an
 * emulated socket set up like the captured one, answers compared field by field
 * (tests/helpers/fidelity.ts; `deno run -A scripts/fidelity_report.ts` prints the table).
 * In-process through the device core, no UDP.
 */
import assert from "node:assert/strict";
import { type FidelityReport, measureFidelity } from "../helpers/fidelity.ts";
import { sharedMissing } from "../helpers/shared.ts";

const skip = sharedMissing("the fidelity replay");

/**
 * Exchanges where the emulator is known to differ from the real socket, and why. Anything else
 * that differs fails the test; so does one of these starting to match (update the list).
 */
const KNOWN: Record<string, string> = {
  "c1#258 cl":
    "dropped by the real socket with no visible cause (docs/protocol.md#subscribe notes it too)",
  "c1#276 rt":
    "the real socket had not stored the cloud's DST rule (gt answers at 311 s and 323 s) by this " +
    "read at 330 s; the emulator keeps a new rule at once (when the socket stores it is unknown)",
  "c1#310 rt":
    "table-4 version 10 against the emulator's 11: the real socket counted the DST rule once; " +
    "the emulator twice, as the ts at 332 s set the DST offset back before the next gt answer",
  "c1#312 rt": "same as c1#310",
  "c1#314 rt": "four table-4 reads within 31 ms: the real socket answered three",
  "c3#1690 rt": "four table-4 reads within 23 ms: the real socket answered three",
};

let report: FidelityReport | null = null;
async function fidelity(): Promise<FidelityReport> {
  report ??= await measureFidelity();
  return report;
}

Deno.test({
  name:
    "emulator replies match the real socket's for every captured qa, qg, dc, sf, hb, tm, cs, cd, ts, mp, lt",
  ignore: skip,
  async fn() {
    const { rows } = await fidelity();
    const byCommand = new Map(rows.map((r) => [r.command, r]));
    for (const command of ["qa", "qg", "dc", "sf", "hb", "tm", "cs", "cd", "ts", "mp", "lt"]) {
      const row = byCommand.get(command);
      assert.ok(row !== undefined && row.compared > 0, `no ${command} exchange compared`);
      assert.equal(row.matched, row.compared, `${command}: ${row.matched}/${row.compared}`);
      assert.equal(row.offset18, row.matched, `${command}: offset 18`);
    }
    assert.ok(byCommand.get("hb")!.compared >= 50);
    assert.ok(byCommand.get("dc")!.compared >= 30);
  },
});

Deno.test({
  name: "emulator differs from the real socket only in the known cl and rt exchanges",
  ignore: skip,
  async fn() {
    const { mismatches } = await fidelity();
    const found = mismatches.map((m) => `c${m.capture}#${m.frame} ${m.command}`).sort();
    assert.deepEqual(found, Object.keys(KNOWN).sort(), JSON.stringify(mismatches, null, 1));
    const { rows } = await fidelity();
    const cl = rows.find((r) => r.command === "cl")!;
    const rt = rows.find((r) => r.command === "rt")!;
    assert.ok(cl.matched / cl.compared > 0.95, `cl ${cl.matched}/${cl.compared}`);
    assert.ok(rt.matched / rt.compared > 0.85, `rt ${rt.matched}/${rt.compared}`);
  },
});

Deno.test({
  name: "fidelity replay leaves out only broadcast discoveries the real socket never answered",
  ignore: skip,
  async fn() {
    const { exclusions } = await fidelity();
    assert.ok(exclusions.every((e) => e.command === "qg" && /lost on the air/.test(e.detail)));
    assert.equal(exclusions.length, 8);
  },
});
