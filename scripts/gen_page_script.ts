/**
 * Writes `lib/web/page_script.ts` from `lib/web/page/app.js`: the page's script as a string, so
 * the daemon serves it without reading a file at run time (which would break `deno compile`
 * binaries and imports by URL) and without a build step (the served text is the checked file).
 * Run it after editing `app.js`; `tests/web/page_script_test.ts` fails while the two differ.
 *
 *     deno run -A scripts/gen_page_script.ts
 */

/** The TypeScript module that holds `script` as `PAGE_SCRIPT`, byte for byte. */
export function pageScriptModule(script: string): string {
  // A template literal keeps the script readable in diffs; only these three need escaping.
  const body = script.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
  return `// Written by \`deno run -A scripts/gen_page_script.ts\` from lib/web/page/app.js: edit that.
/**
 * The page's script, plain JavaScript (an ES module) the browser runs as it is: no build step.
 * Its source, type-checked by \`deno task check\`, is \`lib/web/page/app.js\`.
 */
export const PAGE_SCRIPT: string = \`${body}\`;
`;
}

if (import.meta.main) {
  const source = new URL("../lib/web/page/app.js", import.meta.url);
  const target = new URL("../lib/web/page_script.ts", import.meta.url);
  await Deno.writeTextFile(target, pageScriptModule(await Deno.readTextFile(source)));
  // deno-lint-ignore no-console
  console.log(`wrote ${target.pathname}`);
}
