/** `s20 web url|passwd`: the daemon's web page: its link again, and its password. */
import type { CommandContext, CommandSpec } from "../command.ts";
import { UsageError } from "../usage_error.ts";
import { DaemonClient } from "../../api/daemon_client.ts";
import { findDaemon } from "../../api/locate.ts";
import { DaemonUnavailableError } from "../../api/errors.ts";
import {
  defaultPasswordFile,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  writePasswordFile,
} from "../../web/password.ts";

/** The flag naming the password file, for `web passwd`, `serve` and `schedule run`. */
export const PASSWORD_FILE_OPTION = {
  type: "string",
  value: "PATH",
  description: "the web page's password hash (default ~/.config/s20/web-password)",
} as const;

/** The password file the flags name, or the default one. */
export function passwordFile(ctx: CommandContext, command: string): string {
  const path = ctx.string("password-file") ?? defaultPasswordFile((name) => ctx.io.env(name));
  if (!path) {
    throw new UsageError("cannot choose a password file: no HOME; give --password-file", command);
  }
  return path;
}

const urlCommand: CommandSpec = {
  name: "url",
  summary: "print the link that opens the running daemon's web page",
  usage: "web url",
  description:
    "Asks the running daemon ('s20 serve --web' or 's20 schedule run --web') where its page\n" +
    "is. On loopback the link carries a token: anyone with it can switch your sockets, so\n" +
    "open it yourself and share it with no one.",
  examples: ["s20 web url"],
  positionals: { max: 0 },
  async run(ctx) {
    const endpoint = findDaemon({ env: (name) => ctx.io.env(name) });
    if (!endpoint) {
      throw new DaemonUnavailableError(
        "the default socket",
        "no s20 daemon runs; start one with 's20 serve --listen 127.0.0.1:8420 --web'",
      );
    }
    await using client = new DaemonClient({ ...endpoint, timeout: 2000 });
    const url = await client.webUrl();
    if (url === null) {
      throw new UsageError(
        "the running daemon serves no web page: restart it with --listen 127.0.0.1:PORT --web",
        "web url",
      );
    }
    ctx.out.data({ url });
    if (!ctx.out.json) ctx.io.stdout(`${url}\n`);
    return 0;
  },
};

const passwdCommand: CommandSpec = {
  name: "passwd",
  summary: "set the web page's password (needed to listen off loopback)",
  usage: "web passwd [--password-stdin] [--password-file PATH]",
  description:
    "Stores a salted PBKDF2 hash of the password (never the password) in a file only you\n" +
    "can read. A daemon listening on an address other than loopback asks for it; restart\n" +
    "the daemon to use a new one.",
  examples: ["s20 web passwd", "printf '%s' \"$PW\" | s20 web passwd --password-stdin"],
  positionals: { max: 0 },
  options: {
    "password-stdin": { type: "boolean", description: "read the password from standard input" },
    "password-file": PASSWORD_FILE_OPTION,
  },
  async run(ctx) {
    const file = passwordFile(ctx, "web passwd");
    const password = ctx.bool("password-stdin")
      ? (await ctx.io.readStdin()).replace(/\r?\n$/, "")
      : await ctx.io.readSecret("New password for the s20 web page (not shown): ");
    if (password === null || password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(
        `the password must have at least ${MIN_PASSWORD_LENGTH} characters` +
          (password === null ? " (no terminal to ask on: use --password-stdin)" : ""),
        "web passwd",
      );
    }
    writePasswordFile(file, await hashPassword(password));
    ctx.out.data({ passwordFile: file });
    ctx.out.note(`Password hash written to ${file}. Restart the daemon to use it.`);
    return 0;
  },
};

export const webCommand: CommandSpec = {
  name: "web",
  summary: "the daemon's web page: its link, its password",
  usage: "web (url | passwd)",
  description:
    "'s20 serve --listen ADDR --web' and 's20 schedule run FILE --listen ADDR --web' serve a\n" +
    "page with the sockets, the schedule drawn as a week, the events and the doctor. On\n" +
    "loopback it opens from a link with a token; on other addresses it asks for a password.",
  examples: ["s20 serve --listen 127.0.0.1:8420 --web", "s20 web url", "s20 web passwd"],
  subcommands: [urlCommand, passwdCommand],
};
