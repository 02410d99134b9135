/**
 * What the web page weighs: the bytes of its HTML, script and style sheet as the daemon sends
 * them (no build step, no compression), and gzipped for comparison.
 *
 *     deno run scripts/web_weight.ts
 */
import { PAGE_SCRIPT } from "../lib/web/page_script.ts";
import { PAGE_CSS } from "../lib/web/page_css.ts";
import { appPage } from "../lib/web/page_html.ts";

async function gzipped(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const files: Array<[string, string]> = [
  ["index (HTML)", appPage("0".repeat(64), "schedule")],
  ["app.js", PAGE_SCRIPT],
  ["app.css", PAGE_CSS],
];
let total = 0;
let totalGz = 0;
for (const [name, text] of files) {
  const bytes = new TextEncoder().encode(text).length;
  const gz = await gzipped(text);
  total += bytes;
  totalGz += gz;
  // deno-lint-ignore no-console
  console.log(`${name.padEnd(14)} ${String(bytes).padStart(6)} B  (gzip ${gz} B)`);
}
// deno-lint-ignore no-console
console.log(`${"total".padEnd(14)} ${String(total).padStart(6)} B  (gzip ${totalGz} B)`);
