/**
 * `s20 serve`: own UDP port 10000 and serve every other s20 program through the local API
 * (the daemon without a schedule). Also the API flags and start-up shared with
 * `s20 schedule run`.
 */
import type { CommandContext, CommandSpec, OptionSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import { S20Client } from "../../client/client.ts";
import type { Controller } from "../../client/controller.ts";
import { type ApiServer, type ScheduleSource, startApiServer } from "../../api/server.ts";
import { formatAddress } from "../../util/address.ts";
import { MQTT_OPTIONS, planMqtt, startMqtt } from "./_mqtt.ts";
import { loadConfig } from "../config.ts";
import { readPasswordFile } from "../../web/password.ts";
import { PASSWORD_FILE_OPTION, passwordFile } from "./web.ts";

/** The flags of the API, for `serve` and `schedule run`. */
export const API_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  socket: {
    type: "string",
    value: "PATH",
    description:
      "the API's Unix socket (default $XDG_RUNTIME_DIR/s20/daemon.sock, or /tmp/s20-$UID/daemon.sock)",
  },
  listen: {
    type: "string",
    value: "ADDR",
    description: "also serve on loopback TCP, 127.0.0.1:PORT (0 = any), with a token file",
  },
  "token-file": {
    type: "string",
    value: "PATH",
    description: "where --listen writes its token (default daemon.token beside the socket)",
  },
  web: {
    type: "boolean",
    description: "serve the web page on --listen (off loopback it asks for 's20 web passwd')",
  },
  "password-file": PASSWORD_FILE_OPTION,
};

function parseListen(text: string, web: boolean): { hostname: string; port: number } {
  const match = /^(?:([\d.]+):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new UsageError(`--listen must be 127.0.0.1:PORT, got '${text}'`);
  }
  const hostname = match[1] ?? "127.0.0.1";
  if (!hostname.startsWith("127.") && !web) {
    throw new UsageError(
      `--listen must be a loopback address such as 127.0.0.1:${port}: the API is for programs on this computer`,
    );
  }
  return { hostname, port };
}

/**
 * Starts the API over `controller` (and the schedule, under `schedule run`) as the flags say,
 * and tells the user where it is (JSON: one object on standard output).
 */
export async function startApiFromFlags(
  ctx: CommandContext,
  controller: Controller,
  scheduler?: ScheduleSource,
): Promise<ApiServer> {
  const socket = ctx.string("socket");
  const listen = ctx.string("listen");
  const tokenFile = ctx.string("token-file");
  const web = ctx.bool("web");
  if (web && listen === undefined) {
    throw new UsageError("--web serves the page on the TCP listener: give --listen 127.0.0.1:PORT");
  }
  const api = await startApiServer({
    controller,
    ...(scheduler ? { scheduler } : {}),
    ...(socket !== undefined ? { socket } : {}),
    ...(listen !== undefined ? { listen: parseListen(listen, web) } : {}),
    ...(web ? { web: webOptions(ctx) } : {}),
    ...(tokenFile !== undefined ? { tokenFile } : {}),
    clock: ctx.clock,
    timeout: ctx.timeoutMs,
    env: (name) => ctx.io.env(name),
    onError: (error) =>
      ctx.io.stderr(
        `s20: internal error in the API: ${error instanceof Error ? error.stack : String(error)}\n`,
      ),
  });
  return api;
}

/** The web page's password (when set) and the config file's sockets. */
function webOptions(ctx: CommandContext) {
  const file = passwordFile(ctx, "serve");
  const { aliases } = loadConfig(ctx.io, {
    config: ctx.string("config"),
    schedule: ctx.string("schedule"),
  });
  const sockets = [...aliases].map(([alias, a]) => ({
    alias,
    mac: a.mac ?? null,
    ip: a.ip ?? null,
  }));
  return { passwordHash: readPasswordFile(file), sockets: () => sockets };
}

/**
 * Says where the API and the UDP endpoint are: to people on standard error, and with `--json`
 * (under `serve`, whose standard output is otherwise empty) as one object on standard output.
 */
export function announceApi(
  ctx: CommandContext,
  api: ApiServer,
  controller: Controller,
  options: { readonly json: boolean },
): void {
  const udp = controller instanceof S20Client ? controller.local : null;
  if (options.json) {
    ctx.out.data({
      api: { socket: api.socket, url: api.url, tokenFile: api.tokenFile, web: api.webUrl },
      udp,
      pid: Deno.pid,
    });
  }
  const where = [
    api.socket,
    api.url ? `${api.url} (token in ${api.tokenFile})` : null,
  ].filter(Boolean).join(" and ");
  const line = `s20 API on ${where}${udp ? `; UDP ${formatAddress(udp)}` : ""}. ` +
    "Other s20 commands go through it.";
  const page = api.webUrl ? ` Web page: ${api.webUrl}` : "";
  if (options.json) ctx.out.note(`${line}${page} Ctrl-C to stop.`);
  // A schedule's log owns standard output, in either format.
  else ctx.io.stderr(`${line}${page}\n`);
}

/** Resolves when the user stops the command (Ctrl-C, SIGTERM). */
export function untilStopped(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

export const serveCommand: CommandSpec = {
  name: "serve",
  summary: "own UDP port 10000 and let other s20 programs go through this one",
  usage: "serve [--socket PATH] [--listen 127.0.0.1:PORT [--token-file PATH] [--web]]",
  description:
    "Only one program can own UDP port 10000, where sockets answer. 's20 serve' owns it\n" +
    "and serves a local API (HTTP and JSON on a Unix socket only you can reach); other s20\n" +
    "commands and scripts find it and go through it (--direct bypasses it). 's20 schedule run'\n" +
    "serves the same API next to a schedule. Stop it with Ctrl-C or SIGTERM.",
  examples: [
    "s20 serve",
    "s20 serve --socket /tmp/s20.sock   # then: S20_DAEMON=/tmp/s20.sock s20 status desk",
    "s20 serve --listen 127.0.0.1:8420 --json",
    "s20 serve --mqtt mqtt://broker.lan:1883 --mqtt-password-file ~/.config/s20/mqtt.password",
    "s20 serve --listen 127.0.0.1:8420 --web   # prints the page's link",
  ],
  network: true,
  ownsPort: true,
  positionals: { max: 0 },
  options: { ...API_OPTIONS, ...MQTT_OPTIONS },
  async run(ctx) {
    const mqtt = planMqtt(ctx);
    // With a bridge, every switch through this daemon is tracked, to tell button presses apart.
    const controller = mqtt ? mqtt.tracker.wrap(ctx.client()) : ctx.client();
    const api = await startApiFromFlags(ctx, controller);
    const bridge = mqtt ? await startMqtt(ctx, mqtt, controller) : null;
    try {
      announceApi(ctx, api, controller, { json: true });
      await untilStopped(ctx.io.signal);
    } finally {
      await bridge?.close();
      await api.close();
    }
  },
};
