/** A mistake in the command line: exit code 2, usage shown. Anything else is not the user's. */
export class UsageError extends Error {
  /** The command whose usage to show, if any. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** Exit codes, documented in `s20 --help`. */
export const EXIT = {
  ok: 0,
  /** A socket answered wrongly or not at all, or the network failed. */
  device: 1,
  /** Bad command line or bad input file. */
  usage: 2,
  /** No socket matched a MAC, address or name. */
  notFound: 3,
} as const;
