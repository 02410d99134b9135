import type { CommandContext, CommandSpec } from "../command.ts";
import { aliasOfTarget, eachTarget, labelOf, report } from "./_each.ts";
import { readName } from "../names.ts";
import { EXIT } from "../usage_error.ts";

const TARGETS = { min: 0, name: "socket" } as const;
const ALL = { all: { type: "boolean", description: "every socket discovery finds" } } as const;

async function switchAll(ctx: CommandContext, action: "on" | "off" | "toggle"): Promise<number> {
  const targets = await ctx.resolve(ctx.positionals, { all: ctx.bool("all") });
  const outcomes = await ctx.out.progress(
    action === "toggle" ? "Toggling" : `Switching ${action}`,
    eachTarget(
      targets,
      (t) => action === "toggle" ? t.socket.toggle() : t.socket.setPower(action === "on"),
    ),
  );
  for (const o of outcomes) {
    if (o.error === undefined) ctx.out.line(`${labelOf(o.target)}: ${ctx.out.state(o.value!)}`);
  }
  return report(ctx, outcomes, (on) => ({ on }));
}

export const onCommand: CommandSpec = {
  name: "on",
  summary: "switch sockets on",
  usage: "on SOCKET... | --all",
  description: "Switches each socket on and waits until it reports the new state.",
  examples: ["s20 on desk", "s20 on ac:cf:23:24:19:c0 192.168.1.31", "s20 on --all --json"],
  network: true,
  positionals: TARGETS,
  options: ALL,
  run: (ctx) => switchAll(ctx, "on"),
};

export const offCommand: CommandSpec = {
  ...onCommand,
  name: "off",
  summary: "switch sockets off",
  usage: "off SOCKET... | --all",
  description: "Switches each socket off and waits until it reports the new state.",
  examples: ["s20 off desk", "s20 off --all"],
  run: (ctx) => switchAll(ctx, "off"),
};

export const toggleCommand: CommandSpec = {
  ...onCommand,
  name: "toggle",
  summary: "switch sockets to the other state",
  usage: "toggle SOCKET... | --all",
  description: "Reads each socket's state and switches it to the other one.",
  examples: ["s20 toggle desk"],
  run: (ctx) => switchAll(ctx, "toggle"),
};

export const statusCommand: CommandSpec = {
  name: "status",
  summary: "show whether sockets are on",
  usage: "status SOCKET... | --all [--exit-code]",
  description: "Asks each socket for its relay state. With --exit-code (one socket), the exit\n" +
    "code is 0 when it is on and 1 when it is off, for shell scripts.",
  examples: [
    "s20 status desk",
    "s20 status --all --json",
    "s20 status desk --exit-code && echo on",
  ],
  network: true,
  positionals: TARGETS,
  options: {
    ...ALL,
    "exit-code": { type: "boolean", description: "exit 0 if on, 1 if off (one socket)" },
  },
  async run(ctx) {
    const targets = await ctx.resolve(ctx.positionals, { all: ctx.bool("all") });
    const outcomes = await ctx.out.progress(
      "Reading state",
      eachTarget(
        targets,
        async (t) => {
          const on = await t.socket.state();
          // The stored name, read after the state so an unknown IP has its MAC first.
          return { on, ip: t.socket.address?.hostname ?? null, name: await readName(t.socket) };
        },
      ),
    );
    ctx.out.table(
      ["SOCKET", "MAC", "ALIAS", "NAME", "IP", "STATE"],
      outcomes.filter((o) => o.error === undefined).map((o) => [
        o.target.label,
        o.target.socket.mac ?? "?",
        aliasOfTarget(ctx, o.target) ?? "-",
        o.value!.name ?? "-",
        o.value!.ip ?? "?",
        ctx.out.state(o.value!.on),
      ]),
    );
    const code = report(ctx, outcomes, (v) => ({ name: v.name, ip: v.ip, on: v.on }));
    if (code === EXIT.ok && ctx.bool("exit-code")) {
      return outcomes.every((o) => o.value!.on) ? EXIT.ok : 1;
    }
    return code;
  },
};
