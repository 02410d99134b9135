/**
 * Finds the four capture files, which come from a GPL-licensed repository
 * (Jollyjohn/wireshark.orvibo `pcaps/`) and are therefore not part of this one: in
 * `../shared/captures/` beside the repository, or in `$S20_SHARED/captures/`. Only the tests that
 * replay whole captures need them; they skip with a printed reason where the files are absent.
 * Single packets from the captures are in `tests/fixtures/observed_packets.json`.
 */

/** The capture files, as named in the source repository. */
export const CAPTURE_FILES = [
  "orvibo_s20_capture_1.pcapng",
  "orvibo_s20_capture_2_no_internet_access_on_wifi_network.pcapng",
  "orvibo_s20_capture_3_control_by_gateway_outside_of_local_lan.pcapng",
  "orvibo_s20_capture_4.pcapng.pcap",
] as const;

/**
 * Absolute path of the shared folder (with a trailing slash), or `null` when it does not hold
 * all four captures. `S20_SHARED`, when set, is the only place looked at.
 */
export const SHARED_DIR: string | null = (() => {
  const fromEnv = Deno.env.get("S20_SHARED");
  const dir = (fromEnv ?? new URL("../../../shared/", import.meta.url).pathname)
    .replace(/\/?$/, "/");
  try {
    return CAPTURE_FILES.every((f) => Deno.statSync(`${dir}captures/${f}`).isFile) ? dir : null;
  } catch {
    return null;
  }
})();

/** Whether a whole-capture test must skip; says why on stderr when it must. */
export function sharedMissing(what: string): boolean {
  if (SHARED_DIR !== null) return false;
  const where = Deno.env.get("S20_SHARED") ?? "../shared";
  // deno-lint-ignore no-console
  console.warn(
    `skipping ${what}: it replays whole captures, and the capture files (Jollyjohn/wireshark.orvibo ` +
      `pcaps/, GPL) are not in ${where}/captures; put them there or set S20_SHARED`,
  );
  return true;
}

/** Reads a file from the shared folder, e.g. `captures/orvibo_s20_capture_1.pcapng`. */
export function readShared(path: string): Uint8Array {
  if (SHARED_DIR === null) throw new Error("../shared/captures is not present");
  return Deno.readFileSync(SHARED_DIR + path);
}
