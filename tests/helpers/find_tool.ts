/** Finds the system tools some tests drive (Mosquitto, openssl) without a `PATH` lookup. */

/** The path of `tool` in the usual system folders, or `null`. */
export function findTool(tool: string): string | null {
  for (const dir of ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]) {
    try {
      Deno.statSync(`${dir}/${tool}`);
      return `${dir}/${tool}`;
    } catch {
      // Not there.
    }
  }
  return null;
}
