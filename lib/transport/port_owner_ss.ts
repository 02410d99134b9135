/**
 * Who holds a UDP port, from the `ss` program (iproute2) and `ps`: the way to see it when
 * Deno may not read `/proc` (it reads `/proc` only under `--allow-all`, but runs `ss` and `ps`
 * with `--allow-run=ss,ps`).
 */
import type { PortOwner, PortOwnerSearch } from "./port_owner_types.ts";

/** The flag that lets s20 name the owners without `--allow-all`. */
const RUN_FLAG = "--allow-run=ss,ps";

/** Whether Deno lets us run `command` now, without prompting. */
function mayRun(command: string): boolean {
  return Deno.permissions.querySync({ name: "run", command }).state === "granted";
}

/** The command's standard output; `null` when it failed, `undefined` when it is not installed. */
async function output(command: string, args: string[]): Promise<string | null | undefined> {
  try {
    const result = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(3000),
    }).output();
    return result.success ? new TextDecoder().decode(result.stdout) : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** `127.0.0.1:10000`, `[::]:10000`, `*:10000`, `127.0.0.1%lo:10000` → the address alone. */
function localAddress(local: string): string {
  return local.slice(0, local.lastIndexOf(":")).replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
}

/**
 * Reads `ss -H -uapn` lines: the local address (4th column) and the processes of
 * `users:(("name",pid=N,fd=M),…)`; a socket whose process is hidden (another user's) has a
 * `null` pid.
 */
export function parseSsSockets(text: string): PortOwner[] {
  const owners: PortOwner[] = [];
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    const local = line.trim().split(/\s+/)[3];
    if (!local?.includes(":")) continue;
    const address = localAddress(local);
    const users = [...line.matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=\d+\)/g)];
    if (users.length === 0) owners.push({ pid: null, command: null, address });
    for (const [, name, pid] of users) {
      const key = `${pid}@${address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      owners.push({ pid: Number(pid), command: name ?? null, address });
    }
  }
  return owners;
}

/** Reads `ps -o pid=,args=` lines into command lines by pid. */
export function parsePsArgs(text: string): Map<number, string> {
  const commands = new Map<number, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (match) commands.set(Number(match[1]), match[2]!);
  }
  return commands;
}

/**
 * The owners of a UDP port as `ss` shows them, with their command lines from `ps`; each step
 * the permissions do not allow is named in `needs`, never prompted for.
 */
export async function ssPortOwners(port: number): Promise<PortOwnerSearch> {
  if (!mayRun("ss")) return { owners: [], source: null, needs: RUN_FLAG };
  const table = await output("ss", ["-H", "-uapn", `sport = :${port}`]);
  if (table === undefined) return { owners: [], source: null, needs: "the ss program (iproute2)" };
  if (table === null) return { owners: [], source: null, needs: null };
  const owners = parseSsSockets(table);
  const pids = [...new Set(owners.flatMap((o) => o.pid === null ? [] : [o.pid]))];
  if (pids.length === 0) return { owners, source: "ss", needs: null };
  if (!mayRun("ps")) return { owners, source: "ss", needs: RUN_FLAG };
  const commands = parsePsArgs(
    await output("ps", ["-o", "pid=,args=", "-p", pids.join(",")]) ?? "",
  );
  return {
    owners: owners.map((o) => ({ ...o, command: commands.get(o.pid!) ?? o.command })),
    source: "ss",
    needs: null,
  };
}
