/** `s20 automations [list | restart NAME]`: the scripts the schedule daemon hosts. */
import type { CommandContext, CommandSpec } from "../command.ts";
import { openDaemon } from "../backend.ts";
import { S20Error } from "../../errors.ts";
import type { DaemonClient } from "../../api/daemon_client.ts";

async function daemonOf(ctx: CommandContext): Promise<DaemonClient> {
  const daemon = await openDaemon({ io: ctx.io, timeout: ctx.timeoutMs, targets: [] });
  if (!daemon) {
    throw new S20Error(
      "DAEMON_UNAVAILABLE",
      "No s20 daemon runs: automations run inside 's20 schedule run FILE'",
    );
  }
  return daemon;
}

const list: CommandSpec = {
  name: "list",
  summary: "list the automations and their state (the default)",
  usage: "automations list",
  description:
    "Each automation of the running schedule: state (running, restarting, parked), restarts,\n" +
    "last error and last lines.",
  examples: ["s20 automations", "s20 automations --json"],
  positionals: { max: 0 },
  async run(ctx) {
    await using daemon = await daemonOf(ctx);
    const automations = await daemon.automations();
    ctx.out.data(automations);
    if (automations.length === 0) {
      ctx.out.line("the schedule lists no automations");
      return 0;
    }
    ctx.out.table(
      ["NAME", "STATE", "RESTARTS", "LAST ERROR"],
      automations.map((a) => [a.name, a.state, String(a.restarts), a.lastError ?? "-"]),
    );
    for (const a of automations) {
      if (a.lastLines.length === 0) continue;
      ctx.out.line(`\n${a.name} (${a.script}):`);
      for (const line of a.lastLines) ctx.out.line(`  ${line}`);
    }
    return 0;
  },
};

const restart: CommandSpec = {
  name: "restart",
  summary: "stop an automation and start it again (also a parked one)",
  usage: "automations restart NAME",
  examples: ["s20 automations restart linked_switches"],
  positionals: { min: 1, max: 1, name: "automation name" },
  async run(ctx) {
    const name = ctx.positionals[0]!;
    await using daemon = await daemonOf(ctx);
    await daemon.restartAutomation(name);
    ctx.out.data({ restarted: name });
    ctx.out.line(`${name}: restarted`);
    return 0;
  },
};

export const automationsCommand: CommandSpec = {
  name: "automations",
  summary: "list and restart the scripts the schedule daemon hosts",
  usage: "automations [list | restart NAME]",
  description:
    "Automations are TypeScript modules a schedule lists under 'automations:'; the daemon\n" +
    "runs each in a sandboxed worker (see README.md#automations).",
  examples: ["s20 automations", "s20 automations restart linked_switches"],
  positionals: { max: 0 },
  subcommands: [list, restart],
  run: list.run!,
};
