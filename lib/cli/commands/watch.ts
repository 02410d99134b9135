import type { CommandSpec } from "../command.ts";
import { aliasOfTarget } from "./_each.ts";
import { readName, socketTitle } from "../names.ts";
import type { S20Event } from "../../client/events.ts";
import type { Output } from "../output.ts";
import { S20Client } from "../../client/client.ts";
import { S20_PORT } from "../../protocol/constants.ts";

export const watchCommand: CommandSpec = {
  name: "watch",
  summary: "stream live events (button presses, state changes, reboots)",
  usage: "watch [SOCKET... | --all]",
  description: "Subscribes to the sockets, keeps the subscriptions alive and prints each event\n" +
    "as it happens until Ctrl-C. Without sockets it prints what it hears (announcements).\n" +
    "With --json, one JSON object per line. Each event is printed once, however many copies\n" +
    "the socket sends; a restart is one 'restarted' line, not its 21 announcements.\n" +
    "Without a daemon, watch holds UDP port 10000 and other s20 commands cannot reach the\n" +
    "sockets: start 's20 serve' first to run them beside it.",
  examples: ["s20 watch desk hall", "s20 watch --all --json"],
  network: true,
  positionals: { min: 0, name: "socket" },
  options: {
    all: { type: "boolean", description: "every socket discovery finds" },
    for: { type: "string", value: "MS", description: "stop after MS milliseconds" },
  },
  async run(ctx) {
    const all = ctx.bool("all");
    const targets = all || ctx.positionals.length > 0
      ? await ctx.resolve(ctx.positionals, { all })
      : [];
    const client = ctx.client();
    const duration = ctx.string("for");
    const stop = duration
      ? AbortSignal.any([ctx.io.signal, AbortSignal.timeout(Number(duration))])
      : ctx.io.signal;
    // Sockets named by IP learn their MAC on first contact, so name them when printing.
    const names = new Map<string, string | null>();
    const namesOf = (event: S20Event) => {
      const target = targets.find((t) => t.socket.mac === event.mac);
      const alias = target
        ? aliasOfTarget(ctx, target)
        : ctx.aliasOf({ mac: event.mac, ip: "ip" in event ? event.ip : null });
      return { alias, name: names.get(event.mac) ?? null };
    };
    const events = client.events({ signal: stop, keepAlive: targets.map((t) => t.socket) });
    // Subscribing first gives each socket's current state as the first event.
    await Promise.all(targets.map(async (t) => {
      await t.socket.state().catch(() => {});
      if (t.socket.mac) names.set(t.socket.mac, await readName(t.socket));
    }));
    ctx.out.note(
      `Watching ${
        targets.length > 0 ? `${targets.length} socket(s)` : "the network"
      }; Ctrl-C to stop.`,
    );
    if (client instanceof S20Client && client.local.port === S20_PORT) {
      ctx.out.note(
        `This holds UDP port ${S20_PORT}, so other s20 commands cannot reach the ` +
          "sockets meanwhile: to run them beside it, start 's20 serve' first.",
      );
    }
    for await (const event of events) {
      // An announcement with an unset clock comes with a reboot event, which says it better.
      if (event.type === "announce" && event.clock === null) continue;
      const known = namesOf(event);
      ctx.out.data({ ...event, ...known });
      const label = targets.find((t) => t.socket.mac === event.mac)?.label;
      ctx.out.line(describe(event, socketTitle(event.mac, { ...known, label }), ctx.out));
    }
  },
};

/** One line per event, its time in the local zone with its offset. */
function describe(event: S20Event, who: string, out: Output): string {
  const time = out.time(event.at);
  const state = (on: boolean | null) => out.state(on);
  switch (event.type) {
    case "state":
      return `${time} ${who} ${state(event.on)}`;
    case "announce":
      return `${time} ${who} announced itself at ${event.ip} (${state(event.on)})`;
    case "reboot":
      return `${time} ${who} restarted: ${event.reason}`;
    case "offline":
      return `${time} ${who} offline: ${event.reason}`;
    case "online":
      return `${time} ${who} online`;
    case "address":
      return `${time} ${who} moved from ${event.previous} to ${event.ip}`;
  }
}
