/**
 * The public surface as users see it: the entry points that `deno.json` exports, the values each
 * one has at run time, and the types that only `deno doc` sees (interfaces, type aliases, classes
 * exported as types). The pin tests compare these with written lists, so a new or removed export
 * is a deliberate change.
 */
import { childEnv } from "./child_env.ts";

const ROOT = new URL("../../", import.meta.url);

/** The `exports` of deno.json: subpath (".", "./time", …) to file, relative to the repository. */
export async function entryPoints(): Promise<Record<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const exports: Record<string, string> = config.exports;
  return Object.fromEntries(
    Object.entries(exports).map(([subpath, file]) => [subpath, file.replace(/^\.\//, "")]),
  );
}

/** The command line of the `lint` task in deno.json. */
export async function lintTask(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  return config.tasks.lint;
}

/** Every symbol `deno doc` documents for each of `files` (paths relative to the repository). */
export async function documentedSymbols(files: readonly string[]): Promise<Map<string, string[]>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...files],
    cwd: ROOT,
    env: childEnv(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno doc --json failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const nodes: Record<string, { symbols: { name: string }[] }> =
    JSON.parse(new TextDecoder().decode(output.stdout)).nodes;
  const byFile = new Map<string, string[]>();
  for (const file of files) {
    const node = nodes[new URL(file, ROOT).href];
    if (!node) throw new Error(`deno doc --json says nothing about ${file}`);
    byFile.set(file, node.symbols.map((symbol) => symbol.name).sort());
  }
  return byFile;
}

/** What one entry point exports: run-time values, and the names that exist only as types. */
export async function exportedNames(
  file: string,
): Promise<{ values: string[]; types: string[] }> {
  const values = Object.keys(await import(new URL(file, ROOT).href)).sort();
  const documented = (await documentedSymbols([file])).get(file)!;
  const types = documented.filter((name) => !values.includes(name));
  return { values, types };
}
