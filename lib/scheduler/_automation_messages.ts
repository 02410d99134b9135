/**
 * What the daemon and an automation's worker say to each other. Everything is plain data
 * (structured clone): handles travel as the target the script named, errors as their name,
 * code and message.
 */
import { ERROR_CODES, type ErrorCode, S20Error } from "../errors.ts";
import type { SocketTarget } from "../client/targets.ts";
import type { S20Event } from "../client/events.ts";

/** A socket the schedule names, as the worker needs it to answer `mac` at once. */
export interface KnownAlias {
  readonly mac: string | null;
  readonly ip: string | null;
  readonly port: number | null;
}

/** An error on the wire. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Daemon to worker. */
export type ToWorker =
  | {
    readonly t: "init";
    readonly name: string;
    readonly options: Readonly<Record<string, unknown>>;
    readonly aliases: Readonly<Record<string, KnownAlias>>;
  }
  | {
    readonly t: "reply";
    readonly id: number;
    readonly value?: unknown;
    readonly error?: WireError;
  }
  | { readonly t: "event"; readonly sub: number; readonly event: S20Event }
  | { readonly t: "end"; readonly sub: number; readonly error?: WireError }
  | { readonly t: "stop" };

/** The socket operations a worker may ask for: `SocketController`'s methods. */
export type SocketOp =
  | "state"
  | "on"
  | "off"
  | "toggle"
  | "setPower"
  | "info"
  | "rename"
  | "setIcon"
  | "setTimeZone"
  | "lock"
  | "unlock"
  | "setRemotePassword"
  | "autoOff"
  | "setAutoOff"
  | "clock"
  | "syncClock"
  | "countdown"
  | "setCountdown"
  | "cancelCountdown"
  | "timers"
  | "addTimer"
  | "updateTimer"
  | "putTimer"
  | "removeTimer"
  | "clearTimers";

/** Worker to daemon. */
export type FromWorker =
  | {
    readonly t: "socket";
    readonly id: number;
    readonly target: SocketTarget;
    readonly op: SocketOp;
    readonly args: readonly unknown[];
    /** The call's options without its signal (`timeout`, `dst`, `at`, `action`). */
    readonly options: Readonly<Record<string, unknown>>;
  }
  | { readonly t: "sleep"; readonly id: number; readonly ms: number }
  | { readonly t: "now"; readonly id: number }
  | { readonly t: "status"; readonly id: number }
  | { readonly t: "cancel"; readonly id: number }
  | {
    readonly t: "events";
    readonly sub: number;
    readonly keepAlive: readonly SocketTarget[];
  }
  | {
    readonly t: "discover";
    readonly sub: number;
    readonly timeout?: number;
    readonly targets?: readonly (string | { ip: string; port?: number; mac?: string })[];
  }
  | { readonly t: "unsubscribe"; readonly sub: number }
  | { readonly t: "hold"; readonly id: number; readonly target: SocketTarget }
  | { readonly t: "release"; readonly id: number }
  | { readonly t: "log"; readonly message: string; readonly level: "info" | "warn" | "error" }
  | { readonly t: "ended"; readonly error?: WireError };

/** An error as it crosses: its class name, code and message. */
export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

/**
 * The error back: an `S20Error` with its code when it had one (so `error.code` checks work in
 * a script as they do in the daemon), else an `Error` of the same name.
 */
export function fromWire(wire: WireError): Error {
  const error = wire.code !== undefined && wire.code in ERROR_CODES
    ? new S20Error(wire.code as ErrorCode, wire.message)
    : wire.name === "TypeError"
    ? new TypeError(wire.message)
    : wire.name === "RangeError"
    ? new RangeError(wire.message)
    : new Error(wire.message);
  error.name = wire.name;
  return error;
}
