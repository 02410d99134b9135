import type { CommandSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import { labelOf } from "./_each.ts";
import { durationArg } from "./settings.ts";
import { formatDuration } from "../../util/duration.ts";

export const countdownCommand: CommandSpec = {
  name: "countdown",
  summary: "show, start or cancel a one-off countdown",
  usage: "countdown SOCKET [DURATION [--action on|off] | cancel]",
  description: "After DURATION (seconds or 90s, 15m, 1h30m; at most 18h12m15s) the socket\n" +
    "switches off (or on, with --action on). The countdown runs on the socket itself.",
  examples: [
    "s20 countdown heater",
    "s20 countdown heater 45m",
    "s20 countdown lamp 10m --action on",
    "s20 countdown heater cancel",
  ],
  network: true,
  positionals: { min: 1, max: 2, name: "argument" },
  options: {
    action: { type: "string", value: "on|off", description: "what happens at zero (default off)" },
  },
  async run(ctx) {
    const arg = ctx.positionals[1];
    // The duration and action are checked before the socket is looked for on the network.
    const seconds = arg === undefined || arg === "cancel" ? null : durationArg(arg, "countdown");
    const action = ctx.string("action") ?? "off";
    if (action !== "on" && action !== "off") {
      throw new UsageError(`--action must be 'on' or 'off', not '${action}'`, "countdown");
    }
    const [target] = await ctx.resolve(ctx.positionals.slice(0, 1));
    // After the first call, since a socket named by IP learns its MAC then.
    const label = () => labelOf(target!);
    if (arg === undefined) {
      const countdown = await ctx.out.progress("Reading countdown", target!.socket.countdown());
      ctx.out.line(
        `${label()}: ${
          countdown ? `${countdown.action} in ${formatDuration(countdown.seconds)}` : "no countdown"
        }`,
      );
      ctx.out.data({ target: target!.label, countdown });
      return;
    }
    if (arg === "cancel") {
      await ctx.out.progress("Cancelling", target!.socket.cancelCountdown());
      ctx.out.line(`${label()}: countdown cancelled`);
      ctx.out.data({ target: target!.label, countdown: null });
      return;
    }
    const countdown = await ctx.out.progress(
      "Starting countdown",
      target!.socket.setCountdown(seconds!, { action }),
    );
    ctx.out.line(`${label()}: ${countdown.action} in ${formatDuration(countdown.seconds)}`);
    ctx.out.data({ target: target!.label, countdown });
  },
};
