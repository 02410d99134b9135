/**
 * Errors callers are expected to catch. Each sets `name`, carries the data a caller needs
 * (MAC, command, attempts, address) and has a `code` the CLI and the daemon API share.
 * Wrong arguments throw the built-in `TypeError`/`RangeError` instead; bad packets throw
 * `DecodeError` (in the codec).
 */
import { quoted } from "./util/quote.ts";

/**
 * Base class of every s20 error a caller may want to handle.
 *
 * @example Handle any s20 failure
 * ```ts
 * import { S20Error } from "@s20/s20";
 *
 * function describe(error: unknown): string {
 *   return error instanceof S20Error ? `${error.code}: ${error.message}` : String(error);
 * }
 * ```
 */
export class S20Error extends Error {
  /** A stable identifier for scripts and the JSON outputs, such as `DEVICE_TIMEOUT`. */
  readonly code: string;

  /**
   * Creates the error.
   *
   * @param code Stable identifier.
   * @param message What happened and what to do.
   * @param options The underlying cause, if any.
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "S20Error";
    this.code = code;
  }
}

/**
 * A socket did not answer a command, after every attempt.
 *
 * @example
 * ```ts
 * import { DeviceTimeoutError, Mac } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const error = new DeviceTimeoutError(Mac.parse("accf232419c0"), "dc", 5);
 * assert.match(error.message, /ac:cf:23:24:19:c0.*"dc".*5 attempts/);
 * ```
 */
export class DeviceTimeoutError extends S20Error {
  /** The socket. */
  readonly mac: string;
  /** The two-letter command that went unanswered. */
  readonly command: string;
  /** How many times it was sent. */
  readonly attempts: number;

  /**
   * Creates the error.
   *
   * @param mac The socket's MAC.
   * @param command The command sent.
   * @param attempts How many times it was sent.
   * @param options The underlying cause, if any.
   */
  constructor(mac: string, command: string, attempts: number, options?: ErrorOptions) {
    super(
      "DEVICE_TIMEOUT",
      `Socket ${mac} did not answer "${command}" after ${attempts} attempt${
        attempts === 1 ? "" : "s"
      }: check that it is powered and on this network`,
      options,
    );
    this.name = "DeviceTimeoutError";
    this.mac = mac;
    this.command = command;
    this.attempts = attempts;
  }
}

/**
 * No socket answered for a MAC, address or name.
 *
 * @example
 * ```ts
 * import { DeviceNotFoundError } from "@s20/s20";
 *
 * const error = new DeviceNotFoundError("desk", "no socket has this name");
 * ```
 */
export class DeviceNotFoundError extends S20Error {
  /** What was looked for, as the caller gave it. */
  readonly target: string;

  /**
   * Creates the error.
   *
   * @param target What was looked for.
   * @param detail Why it was not found and what to try.
   */
  constructor(target: string, detail = "no socket answered") {
    super("DEVICE_NOT_FOUND", `Cannot find socket ${quoted(target)}: ${detail}`);
    this.name = "DeviceNotFoundError";
    this.target = target;
  }
}

/**
 * Another program holds the UDP port.
 *
 * @example
 * ```ts
 * import { PortInUseError } from "@s20/s20";
 *
 * const error = new PortInUseError("0.0.0.0", 10000);
 * ```
 */
export class PortInUseError extends S20Error {
  /** The address we tried to bind. */
  readonly hostname: string;
  /** The port we tried to bind. */
  readonly port: number;

  /**
   * Creates the error.
   *
   * @param hostname The address.
   * @param port The port.
   * @param options The OS error.
   */
  constructor(hostname: string, port: number, options?: ErrorOptions) {
    super(
      "PORT_IN_USE",
      `Cannot listen on UDP ${hostname}:${port}: another program owns the port. ` +
        `Find it with "ss -ulpn 'sport = :${port}'" (or "lsof -iUDP:${port}"); stop it, ` +
        `use "s20 schedule run" or "s20 serve" and let other commands go through it, ` +
        `or listen on another address or port`,
      options,
    );
    this.name = "PortInUseError";
    this.hostname = hostname;
    this.port = port;
  }
}

/**
 * The runtime lacks a feature s20 needs, such as Deno's unstable UDP API.
 *
 * @example
 * ```ts
 * import { UnsupportedRuntimeError } from "@s20/s20";
 *
 * const error = new UnsupportedRuntimeError("Deno.listenDatagram is missing");
 * ```
 */
export class UnsupportedRuntimeError extends S20Error {
  /**
   * Creates the error.
   *
   * @param message What is missing and how to enable it.
   */
  constructor(message: string) {
    super("UNSUPPORTED_RUNTIME", message);
    this.name = "UnsupportedRuntimeError";
  }
}

/**
 * Sending or receiving a datagram failed at the OS level (no route, network down).
 *
 * @example
 * ```ts
 * import { NetworkError } from "@s20/s20";
 *
 * const error = new NetworkError("Cannot send to 192.0.2.9:10000: no route to host");
 * ```
 */
export class NetworkError extends S20Error {
  /**
   * Creates the error.
   *
   * @param message What failed.
   * @param options The OS error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super("NETWORK_ERROR", message, options);
    this.name = "NetworkError";
  }
}
