/** Temporary folders for tests, removed with `await using`. */

/** A new temporary folder (named `PREFIX…`), removed with everything in it on dispose. */
export async function tempDir(prefix = "s20-test-"): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}
