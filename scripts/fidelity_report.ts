// deno-lint-ignore-file no-console
/**
 * Prints how closely the emulator matches the real socket in ../shared/captures, per command:
 * `deno run -A scripts/fidelity_report.ts`. The comparison is tests/helpers/fidelity.ts, which
 * tests/emulator/fidelity_test.ts also runs.
 */
import { measureFidelity } from "../tests/helpers/fidelity.ts";
import { sharedMissing } from "../tests/helpers/shared.ts";

if (import.meta.main) {
  if (sharedMissing("the fidelity report")) Deno.exit(1);
  const report = await measureFidelity();
  console.log("| command | compared | matched | rate | offset 18 also equal | excluded |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const r of report.rows) {
    const rate = r.compared === 0 ? "—" : `${(100 * r.matched / r.compared).toFixed(1)}%`;
    console.log(
      `| ${r.command} | ${r.compared} | ${r.matched} | ${rate} | ${r.offset18} | ${r.excluded} |`,
    );
  }
  console.log("\nDifferences:");
  for (const m of report.mismatches) {
    console.log(`- c${m.capture}#${m.frame} t=${m.time}s ${m.command}: ${m.detail}`);
  }
  console.log("\nLeft out:");
  for (const m of report.exclusions) {
    console.log(`- c${m.capture}#${m.frame} t=${m.time}s ${m.command}: ${m.detail}`);
  }
}
