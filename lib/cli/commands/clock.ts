import type { CommandSpec } from "../command.ts";
import { eachTarget, labelOf, report } from "./_each.ts";

export const clockCommand: CommandSpec = {
  name: "clock",
  summary: "show each socket's clock and its skew; --sync sets it",
  usage: "clock SOCKET... | --all [--sync]",
  description: "Sockets keep time themselves and lose it on a power cut (timers then fire at\n" +
    "the wrong time). --sync sets the clock to this computer's time.",
  examples: ["s20 clock desk", "s20 clock --all --sync", "s20 clock desk --json"],
  network: true,
  positionals: { min: 0, name: "socket" },
  options: {
    all: { type: "boolean", description: "every socket discovery finds" },
    sync: { type: "boolean", description: "set the clock to this computer's time" },
  },
  async run(ctx) {
    const targets = await ctx.resolve(ctx.positionals, { all: ctx.bool("all") });
    const sync = ctx.bool("sync");
    const outcomes = await ctx.out.progress(
      sync ? "Setting clocks" : "Reading clocks",
      eachTarget(targets, (t) => sync ? t.socket.syncClock() : t.socket.clock()),
    );
    for (const o of outcomes) {
      if (o.error !== undefined) continue;
      const r = o.value!;
      const text = r.time === null
        ? ctx.out.red("unset (lost after a power cut)")
        : `${ctx.out.time(r.time)} (${r.skewMs! >= 0 ? "+" : ""}${
          (r.skewMs! / 1000).toFixed(1)
        } s)`;
      ctx.out.line(`${labelOf(o.target)}: ${text}${sync ? " — set" : ""}`);
    }
    return report(ctx, outcomes, (r) => ({
      time: r.time,
      skewMs: r.skewMs,
      uncertaintyMs: r.uncertaintyMs,
      raw: r.raw,
      synced: sync,
    }));
  },
};
