/**
 * `deno task emulate …`: the same as `s20 emulate …` (lib/cli/commands/emulate.ts; `--help`
 * lists the flags), for a shell without the `s20` alias.
 */
import { main } from "../lib/cli/main.ts";
import { processIo } from "./s20.ts";

if (import.meta.main) Deno.exit(await main(["emulate", ...Deno.args], processIo()));
