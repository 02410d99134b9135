/**
 * The rules of the public surface as a whole: every entry point in deno.json is checked by
 * `deno doc --lint` and has a pin test, and every symbol has one home (one entry point), so a
 * user finds each thing in one place and a type is documented once.
 */
import assert from "node:assert/strict";
import { documentedSymbols, entryPoints, lintTask } from "./helpers/public_surface.ts";

Deno.test("every entry point is linted by `deno doc --lint` and has a pin test", async () => {
  const files = Object.values(await entryPoints());
  const lint = (await lintTask()).split(/\s+/);
  const doc = lint.indexOf("--lint");
  assert.notEqual(doc, -1, "the lint task runs `deno doc --lint`");
  // All in one `deno doc --lint` run: a type mentioned by one entry point and exported by
  // another counts as public only when both are checked together.
  assert.deepEqual(lint.slice(doc + 1).sort(), [...files].sort());
  for (const file of files) {
    const pin = file === "mod.ts"
      ? "tests/public_api_test.ts"
      : `tests/${file.split("/")[1]}/public_api_test.ts`;
    const text = await Deno.readTextFile(new URL(`../${pin}`, import.meta.url));
    assert.ok(text.includes(`exportedNames("${file}")`), `${pin} pins ${file}`);
  }
});

Deno.test("every exported symbol has exactly one entry point", async () => {
  const entries = await entryPoints();
  const symbols = await documentedSymbols(Object.values(entries));
  const homes = new Map<string, string[]>();
  for (const [subpath, file] of Object.entries(entries)) {
    for (const name of symbols.get(file)!) homes.set(name, [...homes.get(name) ?? [], subpath]);
  }
  const twice = [...homes].filter(([, subpaths]) => subpaths.length > 1)
    .map(([name, subpaths]) => `${name}: ${subpaths.join(", ")}`);
  assert.deepEqual(twice, []);
  assert.ok(homes.size > 100, `${homes.size} symbols read: deno doc --json answered`);
});
