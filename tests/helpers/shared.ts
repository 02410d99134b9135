/**
 * Finds the read-only reference material (`../shared` beside the repository, or `S20_SHARED`).
 * Tests that need it skip with a printed reason where it is absent; CI always has it.
 */

/** Absolute path of the shared folder, or `null` when it is not there. */
export const SHARED_DIR: string | null = (() => {
  const fromEnv = Deno.env.get("S20_SHARED");
  const dir = fromEnv ?? new URL("../../../shared/", import.meta.url).pathname;
  try {
    return Deno.statSync(dir).isDirectory ? dir.replace(/\/?$/, "/") : null;
  } catch {
    return null;
  }
})();

/** Why a test that needs `../shared` is skipped, printed once per file that asks. */
export function sharedMissing(what: string): boolean {
  if (SHARED_DIR !== null) return false;
  // deno-lint-ignore no-console
  console.warn(`skipping ${what}: ../shared (or $S20_SHARED) is not present`);
  return true;
}

/** Reads a file from the shared folder. */
export function readShared(path: string): Uint8Array {
  if (SHARED_DIR === null) throw new Error("../shared is not present");
  return Deno.readFileSync(SHARED_DIR + path);
}

/** One entry of `s20-vectors.json`. */
export interface Vector {
  readonly source: string;
  readonly direction: string;
  readonly command: string;
  readonly hex: string;
  readonly notes: string;
  readonly template: boolean;
}

/**
 * The vectors of `s20-vectors.json`, numbered V1… in JSON file order. That order differs from
 * s20-protocol.md §6, so match vectors by `source` (capture and frame) or content, not by id.
 */
export function loadVectors(): (Vector & { readonly id: string })[] {
  const list = JSON.parse(new TextDecoder().decode(readShared("s20-vectors.json"))) as Vector[];
  return list.map((v, i) => ({ ...v, id: `V${i + 1}` }));
}
