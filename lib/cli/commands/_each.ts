/** Runs an operation on several sockets at once and reports each outcome. */
import type { CommandContext, Target } from "../command.ts";
import { errorJson } from "../../error_json.ts";
import { EXIT } from "../usage_error.ts";
import { DeviceNotFoundError, S20Error } from "../../errors.ts";
import { DaemonInsecureError, DaemonUnavailableError } from "../../api/errors.ts";

export interface Outcome<T> {
  readonly target: Target;
  readonly value?: T;
  readonly error?: unknown;
}

/** Runs `task` for every target concurrently (each socket's own calls stay serial). */
export async function eachTarget<T>(
  targets: readonly Target[],
  task: (target: Target) => Promise<T>,
): Promise<Outcome<T>[]> {
  return await Promise.all(targets.map(async (target) => {
    try {
      return { target, value: await task(target) };
    } catch (error) {
      // A daemon that cannot be used fails the whole command once, not each socket.
      const route = error instanceof DaemonUnavailableError || error instanceof DaemonInsecureError;
      const perSocket = error instanceof S20Error || error instanceof RangeError ||
        error instanceof TypeError;
      if (route || !perSocket) throw error;
      return { target, error };
    }
  }));
}

/** The exit code for a set of outcomes: 3 if any socket was not found, else 1 if any failed. */
export function exitFor(outcomes: readonly Outcome<unknown>[]): number {
  if (outcomes.some((o) => o.error instanceof DeviceNotFoundError)) return EXIT.notFound;
  if (outcomes.some((o) => o.error !== undefined)) return EXIT.device;
  return EXIT.ok;
}

/** Prints failures (human) and returns the JSON entry for each outcome. */
export function report<T>(
  ctx: CommandContext,
  outcomes: readonly Outcome<T>[],
  json: (value: T, target: Target) => Record<string, unknown>,
): number {
  const entries = outcomes.map((o) => {
    const base = {
      target: o.target.label,
      mac: o.target.socket.mac,
      alias: aliasOfTarget(ctx, o.target),
    };
    if (o.error !== undefined) {
      ctx.out.warn(
        `s20: ${ctx.out.red("error")}: ${o.target.label}: ${(o.error as Error).message}`,
      );
      return { ...base, ...errorJson(o.error) };
    }
    return { ...base, ...json(o.value as T, o.target) };
  });
  ctx.out.data(entries);
  return exitFor(outcomes);
}

/** The alias of a resolved socket (the one typed, or the one its MAC or IP has in the config). */
export function aliasOfTarget(ctx: CommandContext, target: Target): string | null {
  const { socket } = target;
  return ctx.aliasOf({
    label: target.label,
    mac: socket.mac,
    ip: socket.address?.hostname ?? null,
  });
}

/** A socket's label for humans: the name typed, and the MAC when that differs. */
export function labelOf(target: Target): string {
  const mac = target.socket.mac;
  return mac && mac !== target.label ? `${target.label} (${mac})` : target.label;
}
