/** The script the daemon serves is `lib/web/page/app.js`, the file `deno task check` checks. */
import assert from "node:assert/strict";
import { PAGE_SCRIPT } from "../../lib/web/page_script.ts";
import { pageScriptModule } from "../../scripts/gen_page_script.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const APP_JS = new URL("../../lib/web/page/app.js", import.meta.url);

Deno.test("the served page script is app.js byte for byte (else: deno run -A scripts/gen_page_script.ts)", async () => {
  const source = await Deno.readTextFile(APP_JS);
  assert.ok(source.startsWith("// @ts-check\n"), "app.js must stay type-checked");
  assert.ok(
    PAGE_SCRIPT === source,
    "lib/web/page_script.ts is stale: run deno run -A scripts/gen_page_script.ts",
  );
});

Deno.test("the generated module keeps backslashes, backticks and ${ as they are", async () => {
  const tricky = 'const a = `x ${1}\\n`; // \\` \\${ \\\\ "\\u0041"\n';
  await using dir = await tempDir();
  const file = `${dir.path}/page_script.ts`;
  await Deno.writeTextFile(file, pageScriptModule(tricky));
  const module = await import(new URL(`file://${file}`).href) as { PAGE_SCRIPT: string };
  assert.equal(module.PAGE_SCRIPT, tricky);
});
