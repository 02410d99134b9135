/**
 * The layering rule of `lib/`, checked on every import (static, `export … from`, type-only,
 * dynamic, and a worker's `new URL("./x.ts", import.meta.url)`, which counts for the layers
 * but not for cycles: a worker loads its module in a graph of its own). From the bottom:
 *
 * | rank | folders                                   | why there                                   |
 * | ---- | ----------------------------------------- | ------------------------------------------- |
 * | 0    | `util/`, `errors.ts`, `error_json.ts`     | small helpers and the error classes every   |
 * |      |                                           | layer throws; they use each other only      |
 * | 1    | `protocol/`, `time/`                      | the pure codec, clocks and zone facts       |
 * | 2    | `transport/`                              | the only code that touches UDP              |
 * | 3    | `client/`, `emulator/`, `pairing/`        | side by side: each speaks to sockets (or is |
 * |      |                                           | one) over the transport                     |
 * | 4    | `schedule/`                               | the schedule language                       |
 * | 5    | `scheduler/`                              | sync and the daemon                         |
 * | 6    | `api/`, `mqtt/`, `web/`, `automation/`    | the daemon's faces: its local API and       |
 * |      |                                           | `connect()`, its MQTT bridge, its web page, |
 * |      |                                           | and the automations it hosts                |
 * | 7    | `cli/`                                    | the `s20` command                           |
 * | top  | `mod.ts` (the repository root)            | the package's facade: re-exports only       |
 *
 * A file may import its own rank or below, never above. A file named `_private.ts` is
 * imported only from its own folder. Nothing in `lib/` imports the root `mod.ts`, so the
 * facade can re-export any layer (`connect()` from the api layer) without making a cycle.
 * And no two files import each other, directly or round a longer loop.
 *
 * Examples in JSDoc are not imports here: they import the public entry points
 * (`@s20/s20/...`), as users do.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;

/** The rank of each folder of `lib/` (and of the files directly in it); see the table above. */
const RANK: Readonly<Record<string, number>> = {
  "util": 0,
  "errors.ts": 0,
  "error_json.ts": 0,
  "protocol": 1,
  "time": 1,
  "transport": 2,
  "client": 3,
  "emulator": 3,
  "pairing": 3,
  "schedule": 4,
  "scheduler": 5,
  "api": 6,
  "mqtt": 6,
  "web": 6,
  "automation": 6,
  "cli": 7,
};
const FACADE = "mod.ts";
const TOP = Number.POSITIVE_INFINITY;

/**
 * Known violations, each to be removed by the work named beside it. The lib/schedule
 * reorganisation (issue 14.1 and 14.7, helper p6-schedule) folds `_sort_issues.ts` into
 * `schedule_error.ts` and gives the CLI public ways to what it now takes from private schedule
 * files. When that lands, these entries fail as stale: delete them and leave the lists empty.
 */
/** Files to the files they import, all as paths relative to the repository root. */
type Graph = ReadonlyMap<string, readonly string[]>;

const STATIC = /^(?:import|export)\s+(?:type\s+)?(?:[\w*{][^;]*?\s+from\s+)?["'](\.[^"']+)["']/gms;
const DYNAMIC = /\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;
const WORKER = /new URL\(\s*["'](\.[^"']+\.ts)["']\s*,\s*import\.meta\.url/g;

/**
 * The relative specifiers a module's code imports, and those it starts as workers (not those in
 * comments or doc examples).
 */
function importedSpecifiers(source: string): { imports: string[]; workers: string[] } {
  const imports = [...source.matchAll(STATIC)].map((m) => m[1]!);
  const workers: string[] = [];
  for (const line of source.split("\n")) {
    const code = line.trimStart();
    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) continue;
    for (const m of line.matchAll(DYNAMIC)) imports.push(m[1]!);
    for (const m of line.matchAll(WORKER)) workers.push(m[1]!);
  }
  return { imports, workers };
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* tsFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The import graph of `lib/` and the root `mod.ts`, and the same with workers' modules added. */
async function readGraph(): Promise<{ imports: Graph; withWorkers: Graph }> {
  const imports = new Map<string, string[]>();
  const withWorkers = new Map<string, string[]>();
  const files = [FACADE];
  for await (const file of tsFiles("lib")) files.push(file);
  for (const file of files.sort()) {
    const found = importedSpecifiers(await Deno.readTextFile(join(ROOT, file)));
    const resolve = (specifiers: string[]) =>
      [...new Set(specifiers.map((s) => normalize(join(dirname(file), s))))].sort();
    imports.set(file, resolve(found.imports));
    withWorkers.set(file, resolve([...found.imports, ...found.workers]));
  }
  return { imports, withWorkers };
}

/** The rank of a file of `lib/` or the facade; throws for a folder the table does not place. */
function rankOf(file: string): number {
  if (file === FACADE) return TOP;
  const [top, first] = file.split("/");
  const rank = top === "lib" && first !== undefined ? RANK[first] : undefined;
  if (rank === undefined) {
    throw new Error(`${file} is in no layer: add its folder to RANK in tests/layering_test.ts`);
  }
  return rank;
}

/** Every import that breaks a rule, as "from -> to: why". */
function violations(graph: Graph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (!to.endsWith(".ts")) continue;
      if (to === FACADE) {
        found.push(`${from} -> ${to}: lib/ never imports the root facade`);
        continue;
      }
      if (rankOf(to) > rankOf(from)) {
        found.push(`${from} -> ${to}: up the stack (rank ${rankOf(from)} to ${rankOf(to)})`);
      }
      const name = to.slice(to.lastIndexOf("/") + 1);
      if (name.startsWith("_") && dirname(to) !== dirname(from)) {
        found.push(`${from} -> ${to}: private to ${dirname(to)}`);
      }
    }
  }
  return found.sort();
}

/** One loop of imports per strongly connected group of files, as "a -> b -> a". */
function cycles(graph: Graph): string[] {
  // Tarjan's strongly connected components, then the shortest loop through each group's first file.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return groups.map((group) => {
    const members = new Set(group);
    const start = group[0]!;
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      const next = (graph.get(v) ?? []).filter((w) => members.has(w));
      if (next.includes(start)) {
        const path = [start];
        for (let at = v; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
        return [...path, start].join(" -> ");
      }
      for (const w of next) {
        if (!cameFrom.has(w) && w !== start) {
          cameFrom.set(w, v);
          queue.push(w);
        }
      }
    }
    return group.join(", ");
  }).sort();
}

Deno.test("the rules catch an upward import, a foreign private file, the facade and a cycle", () => {
  const graph: Graph = new Map([
    ["lib/client/a.ts", ["lib/api/b.ts", "lib/schedule/_c.ts", "lib/protocol/d.ts"]],
    ["lib/protocol/d.ts", ["lib/protocol/_e.ts", "mod.ts"]],
    ["lib/api/b.ts", ["lib/client/a.ts", "lib/util/f.ts"]],
  ]);
  assert.deepEqual(violations(graph), [
    "lib/client/a.ts -> lib/api/b.ts: up the stack (rank 3 to 6)",
    "lib/client/a.ts -> lib/schedule/_c.ts: private to lib/schedule",
    "lib/client/a.ts -> lib/schedule/_c.ts: up the stack (rank 3 to 4)",
    "lib/protocol/d.ts -> mod.ts: lib/ never imports the root facade",
  ]);
  assert.deepEqual(cycles(graph), ["lib/api/b.ts -> lib/client/a.ts -> lib/api/b.ts"]);
  assert.throws(() => rankOf("lib/nowhere/x.ts"), /add its folder to RANK/);
});

Deno.test("imports are read from code, not from comments or doc examples", () => {
  const source = [
    '/**\n * @example\n * ```ts\n * import { x } from "../api/mod.ts";\n * ```\n */',
    'import type { A } from "./a.ts";',
    "import {\n  b,\n  type C,\n} from './b.ts';",
    'export * from "./c.ts";',
    'export type { D } from "./d.ts";',
    'import "./side_effect.ts";',
    'import fc from "npm:fast-check";',
    '// const m = await import("./commented.ts");',
    'const m = await import("./dynamic.ts");',
    'new Worker(new URL("./_worker.ts", import.meta.url).href, { type: "module" });',
  ].join("\n");
  const { imports, workers } = importedSpecifiers(source);
  assert.deepEqual(workers, ["./_worker.ts"]);
  assert.deepEqual(imports.sort(), [
    "./a.ts",
    "./b.ts",
    "./c.ts",
    "./d.ts",
    "./dynamic.ts",
    "./side_effect.ts",
  ]);
});

Deno.test("lib/ imports only down the stack and no other folder's private files", async () => {
  const graph = (await readGraph()).withWorkers;
  // The reader found the graph: a known edge of each kind is there.
  assert.ok(graph.get("lib/client/controller.ts")?.includes("lib/client/types.ts"));
  assert.ok(
    graph.get("lib/scheduler/_schedule_file.ts")?.includes("lib/scheduler/_check_worker.ts"),
  );
  assert.ok(graph.get(FACADE)?.includes("lib/api/connect.ts"));
  const found = violations(graph);
  assert.deepEqual(found, [], "layering violations");
});

Deno.test("lib/ and mod.ts have no import cycles", async () => {
  const found = cycles((await readGraph()).imports);
  assert.deepEqual(found, [], "import cycles");
});
