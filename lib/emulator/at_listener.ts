/**
 * An emulated HF-LPB100 AT interface on UDP 48899 (docs/protocol.md#ap-mode): the assist password,
 * `+ok`, and the `AT+` commands pairing tools use, with fault injection for client tests.
 */
import { Mac } from "../protocol/mac.ts";
import { listenUdp } from "../transport/udp.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";
import {
  AP_MODE,
  ASSIST_PASSWORD,
  AT_ERROR,
  AT_MODE_ACK,
  type AtErrorCode,
  type AtMalformed,
  type AtRequest,
  decodeAtLine,
  HF_AT_PORT,
} from "../pairing/hf_at.ts";
import {
  type AtReply,
  type AtScanEntry,
  encodeAtReply,
  formatScanValue,
} from "../pairing/hf_at_reply.ts";
import { WifiKey } from "../pairing/wifi_key.ts";
import { formatAddress } from "../util/address.ts";

/**
 * Wi-Fi modes of `AT+WMODE`.
 *
 * @example
 * ```ts
 * import type { AtWifiMode } from "@s20/s20/emulator";
 *
 * const mode: AtWifiMode = "STA";
 * ```
 */
export type AtWifiMode = "STA" | "AP" | "APSTA";

/**
 * The module's saved configuration. `key` is a {@linkcode WifiKey}, so logging the state never
 * shows it.
 *
 * @example
 * ```ts
 * import type { AtModuleState } from "@s20/s20/emulator";
 * import { WifiKey } from "@s20/s20/pairing";
 *
 * const joined: AtModuleState = {
 *   mode: "STA", ssid: "home", auth: "WPA2PSK", encryption: "AES", key: new WifiKey("correct horse"), moduleId: "HF-LPB100",
 * };
 * ```
 */
export interface AtModuleState {
  /** `STA` joins `ssid`; `AP` is the pairing network `WiWo-S20`. */
  readonly mode: AtWifiMode;
  /** Network to join in station mode; `""` when none is set. */
  readonly ssid: string;
  /** Authentication as given to `AT+WSKEY`. */
  readonly auth: string;
  /** Encryption as given to `AT+WSKEY`. */
  readonly encryption: string;
  /** The key; empty for an open network. */
  readonly key: WifiKey;
  /** Module id answered to `AT+MID` and in the assist reply; set with `AT+WRMID`. */
  readonly moduleId: string;
}

/**
 * Faults to inject, so that a client's retry and error paths can be tested.
 *
 * @example Lose the first two replies, then refuse the key
 * ```ts
 * import type { AtFaults } from "@s20/s20/emulator";
 *
 * const faults: AtFaults = { dropReplies: 2, errors: { WSKEY: -4 } };
 * ```
 */
export interface AtFaults {
  /**
   * Replies to swallow, counting from when the faults are set. Commands still take effect.
   * `Infinity` answers nothing but still obeys.
   *
   * @default {0}
   */
  readonly dropReplies?: number;
  /**
   * Commands answered with `+ERR=<code>` instead of being carried out, by upper-case name
   * without `AT+` (`WSSSID`, `WSKEY`, `Z` …); `ASSIST` covers the assist password.
   *
   * @default {{}}
   */
  readonly errors?: Readonly<Record<string, AtErrorCode>>;
  /**
   * Ignore every datagram, as a module that is not there.
   *
   * @default {false}
   */
  readonly silent?: boolean;
}

/**
 * Reported after `AT+Z` when the saved mode is `STA` with an SSID: the module reboots and joins
 * that network, so the emulated socket can now appear on the LAN.
 *
 * @example
 * ```ts
 * import type { AtJoinEvent } from "@s20/s20/emulator";
 *
 * function onJoin(event: AtJoinEvent): void {
 *   // event.key prints as [redacted]; event.key.reveal() is the key
 *   void `joined network ${event.ssid} with key ${event.key}`;
 * }
 * ```
 */
export interface AtJoinEvent {
  /** Network joined. */
  readonly ssid: string;
  /** Authentication. */
  readonly auth: string;
  /** Encryption. */
  readonly encryption: string;
  /** The key. */
  readonly key: WifiKey;
  /** Who sent `AT+Z`. */
  readonly from: NetAddress;
}

/**
 * Options for {@linkcode startAtListener}.
 *
 * @example AP mode as on a freshly reset socket
 * ```ts
 * import type { AtListenerOptions } from "@s20/s20/emulator";
 *
 * const options: AtListenerOptions = { mac: "ac:cf:23:35:e6:aa", hostname: "10.10.100.254" };
 * ```
 */
export interface AtListenerOptions {
  /** The socket's MAC, in any spelling `Mac.parse` accepts. */
  readonly mac: string;
  /**
   * Address to bind: `0.0.0.0` hears broadcasts (use it inside a network namespace), a unicast
   * address hears only datagrams sent to it.
   *
   * @default {"0.0.0.0"}
   */
  readonly hostname?: string;
  /**
   * Port to bind.
   *
   * @default {48899}
   */
  readonly port?: number;
  /**
   * An already bound transport to use instead of binding; the listener takes it over and closes
   * it on {@linkcode AtListener.close}.
   *
   * @default {undefined (bind hostname:port)}
   */
  readonly transport?: DatagramTransport;
  /**
   * IP address given in the assist reply.
   *
   * @default {hostname, or "10.10.100.254" (the AP-mode address) when bound to 0.0.0.0}
   */
  readonly ip?: string;
  /**
   * Starting configuration. Unset fields take the defaults of a freshly reset socket: `AP`
   * mode, no SSID, `OPEN`/`NONE`, module id `HF-LPB100`.
   *
   * @default {{}}
   */
  readonly state?: Partial<AtModuleState>;
  /**
   * The assist password (`AT+ASWD` on real modules).
   *
   * @default {"HF-A11ASSISTHREAD"}
   */
  readonly assistPassword?: string;
  /**
   * Reply to `AT+LVER`, as HankB read it from a real S20 (observed packet HankB:8).
   *
   * @default {"08 (2015-04-28 16:57 16B)"}
   */
  readonly lver?: string;
  /**
   * Reply to `AT+VER`. No S20 reply has been published; this default is made up from the
   * `AT+LVER` date.
   *
   * @default {"1.0.08 (2015-04-28 16:57 16B)"}
   */
  readonly ver?: string;
  /**
   * Access points `AT+WSCAN` reports.
   *
   * @default {a fixed list of three plausible networks}
   */
  readonly scan?: readonly AtScanEntry[];
  /**
   * Answer `AT+` commands only from hosts that sent `+ok` first, as the pairing tools assume.
   * Whether a real module insists is not known (docs/protocol.md#open-questions Q14).
   *
   * @default {true}
   */
  readonly requireAtMode?: boolean;
  /**
   * Faults to start with; change them later with {@linkcode AtListener.setFaults}.
   *
   * @default {{}}
   */
  readonly faults?: AtFaults;
  /**
   * Called for every request received (after `silent`, before the other faults).
   *
   * @default {undefined}
   */
  readonly onRequest?: (request: AtRequest | AtMalformed, from: NetAddress) => void;
  /**
   * Called after `AT+Z` when the saved mode is `STA` with an SSID.
   *
   * @default {undefined}
   */
  readonly onJoin?: (event: AtJoinEvent) => void;
  /**
   * Called after every `AT+Z`, with the configuration the module reboots into.
   *
   * @default {undefined}
   */
  readonly onReboot?: (state: AtModuleState, from: NetAddress) => void;
  /**
   * Called with network errors (a reply that cannot be sent, a failed receive). Without it they
   * are dropped: the library never prints.
   *
   * @default {undefined}
   */
  readonly onError?: (error: unknown) => void;
}

/** The scan list of the HF docs' example plus two more, with locally administered BSSIDs. */
const DEFAULT_SCAN: readonly AtScanEntry[] = [
  { channel: 1, ssid: "home", bssid: "02:00:5e:10:00:01", security: "WPA2PSK/AES", indicator: 78 },
  {
    channel: 6,
    ssid: "neighbour",
    bssid: "02:00:5e:10:00:02",
    security: "WPAPSKWPA2PSK/TKIPAES",
    indicator: 35,
  },
  { channel: 11, ssid: "cafe", bssid: "02:00:5e:10:00:03", security: "OPEN/NONE", indicator: 12 },
];

/** BSSID `AT+WSLK` reports for the joined network (made up, locally administered). */
const LINK_BSSID = "02:00:5e:10:00:01";
/** Hosts whose `+ok` and partial lines are remembered; the oldest is forgotten beyond this. */
const MAX_PEERS = 64;
/** Longest partial line kept while waiting for its terminator. */
const MAX_LINE = 512;

const AUTHS = new Set(["OPEN", "SHARED", "WPAPSK", "WPA2PSK"]);
const ENCRYPTIONS = new Set(["NONE", "WEP-H", "WEP-A", "TKIP", "AES", "TKIPAES"]);
const MODES = new Set<string>(["STA", "AP", "APSTA"]);
/** Commands that only answer; `AT+<cmd>=…` gets -3. */
const QUERY_ONLY = new Set(["", "VER", "LVER", "MID", "WSCAN", "WSLK", "Z"]);

const decoder = new TextDecoder();

/**
 * Whether the module would take this key for this auth/encryption (docs/protocol.md#ap-mode,
 * node-orvibo).
 */
function keyFits(auth: string, encryption: string, key: string): boolean {
  if (!AUTHS.has(auth) || !ENCRYPTIONS.has(encryption)) return false;
  if (encryption === "NONE") return auth === "OPEN" && key === "";
  if (encryption === "WEP-H") {
    return (auth === "OPEN" || auth === "SHARED") &&
      /^([0-9a-fA-F]{10}|[0-9a-fA-F]{26})$/.test(key);
  }
  if (encryption === "WEP-A") {
    return (auth === "OPEN" || auth === "SHARED") && (key.length === 5 || key.length === 13);
  }
  if (auth !== "WPAPSK" && auth !== "WPA2PSK") return false;
  return /^[\x20-\x7e]{8,63}$/.test(key) || /^[0-9a-fA-F]{64}$/.test(key);
}

/**
 * A running emulated AT interface. Make one with {@linkcode startAtListener}.
 *
 * @example Answer the assist password on loopback
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 * import { startAtListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const listener = startAtListener({ mac: "accf2335e6aa", hostname: "127.0.0.1", port: 0 });
 * const client = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * await client.send(new TextEncoder().encode("HF-A11ASSISTHREAD"), listener.local);
 * for await (const { data } of client) {
 *   assert.equal(new TextDecoder().decode(data), "127.0.0.1,ACCF2335E6AA,HF-LPB100");
 *   break;
 * }
 * client.close();
 * await listener.close();
 * ```
 */
export class AtListener {
  readonly #transport: DatagramTransport;
  readonly #mac: Mac;
  readonly #ip: string;
  readonly #assistPassword: string;
  readonly #lver: string;
  readonly #ver: string;
  readonly #scan: readonly AtScanEntry[];
  readonly #requireAtMode: boolean;
  readonly #options: AtListenerOptions;
  #state: AtModuleState;
  #faults: { dropReplies: number; errors: Readonly<Record<string, AtErrorCode>>; silent: boolean } =
    { dropReplies: 0, errors: {}, silent: false };
  /** Hosts in command mode. */
  readonly #atMode = new Set<string>();
  /** Unterminated text per host and port, as a UART parser would buffer it. */
  readonly #partial = new Map<string, string>();
  readonly #done: Promise<void>;

  /**
   * Starts answering on a bound transport; use {@linkcode startAtListener}.
   *
   * @param transport The bound 48899 endpoint, taken over.
   * @param options Identity, state, faults and callbacks.
   */
  constructor(transport: DatagramTransport, options: AtListenerOptions) {
    this.#transport = transport;
    this.#options = options;
    this.#mac = Mac.parse(options.mac);
    const bound = transport.local.hostname;
    this.#ip = options.ip ?? (bound === "0.0.0.0" ? AP_MODE.deviceIp : bound);
    this.#assistPassword = options.assistPassword ?? ASSIST_PASSWORD;
    this.#lver = options.lver ?? "08 (2015-04-28 16:57 16B)";
    this.#ver = options.ver ?? "1.0.08 (2015-04-28 16:57 16B)";
    this.#scan = options.scan ?? DEFAULT_SCAN;
    this.#requireAtMode = options.requireAtMode ?? true;
    const state = options.state ?? {};
    this.#state = Object.freeze({
      mode: state.mode ?? "AP",
      ssid: state.ssid ?? "",
      auth: state.auth ?? "OPEN",
      encryption: state.encryption ?? "NONE",
      key: state.key ?? new WifiKey(""),
      moduleId: state.moduleId ?? "HF-LPB100",
    });
    this.setFaults(options.faults ?? {});
    this.#done = this.#run();
  }

  /** The address and port bound. */
  get local(): NetAddress {
    return this.#transport.local;
  }

  /**
   * The bound 48899 endpoint, for sending only (the smartlink listener's announcements go out
   * through it). Do not iterate it: this listener does.
   */
  get transport(): Pick<DatagramTransport, "send" | "local"> {
    return this.#transport;
  }

  /** The current configuration (frozen; the key prints as `[redacted]`). */
  get state(): AtModuleState {
    return this.#state;
  }

  /**
   * Replaces the faults; `dropReplies` counts from now.
   *
   * @param faults The new faults; `{}` clears them.
   */
  setFaults(faults: AtFaults): void {
    this.#faults = {
      dropReplies: faults.dropReplies ?? 0,
      errors: { ...faults.errors },
      silent: faults.silent ?? false,
    };
  }

  /**
   * Stops listening and closes the transport.
   *
   * @returns When the receive loop has ended.
   */
  close(): Promise<void> {
    this.#transport.close();
    return this.#done;
  }

  /**
   * Closes the listener at the end of an `await using` block.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run(): Promise<void> {
    try {
      for await (const { data, from } of this.#transport) {
        if (this.#faults.silent) continue;
        await this.#receive(data, from);
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  async #receive(data: Uint8Array, from: NetAddress): Promise<void> {
    const text = decoder.decode(data);
    // The assist password and `+ok` are whole datagrams without terminator
    // (docs/protocol.md#ap-mode steps 1–2).
    if (text === this.#assistPassword) {
      const request: AtRequest = { kind: "assist", password: text };
      this.#options.onRequest?.(request, from);
      if (!(await this.#fault("ASSIST", from))) {
        await this.#reply(
          { kind: "assist", ip: this.#ip, mac: this.#mac, module: this.#state.moduleId },
          from,
        );
      }
      return;
    }
    if (text.replace(/[\r\n]+$/, "") === AT_MODE_ACK) {
      this.#options.onRequest?.({ kind: "enterAtMode" }, from);
      this.#remember(this.#atMode, from.hostname);
      return;
    }
    const peer = formatAddress(from);
    const buffered = (this.#partial.get(peer) ?? "") + text;
    const lines = buffered.split(/\r\n|\r|\n/);
    const rest = lines.pop()!;
    this.#partial.delete(peer);
    if (rest !== "") {
      if (rest.length > MAX_LINE) {
        await this.#error(AT_ERROR.INVALID_FORMAT, from);
      } else {
        this.#partial.set(peer, rest);
        if (this.#partial.size > MAX_PEERS) {
          this.#partial.delete(this.#partial.keys().next().value!);
        }
      }
    }
    for (const line of lines) {
      if (line === "") continue;
      await this.#command(decodeAtLine(line), from);
    }
  }

  async #command(request: AtRequest | AtMalformed, from: NetAddress): Promise<void> {
    if (this.#requireAtMode && !this.#atMode.has(from.hostname)) return;
    this.#options.onRequest?.(request, from);
    if (request.kind === "malformed") return await this.#error(request.error, from);
    if (request.kind === "assist" || request.kind === "enterAtMode") return;
    const name = request.kind === "query" || request.kind === "set"
      ? request.command
      : { setSsid: "WSSSID", setKey: "WSKEY", setMode: "WMODE", reboot: "Z" }[request.kind];
    if (await this.#fault(name, from)) return;
    switch (request.kind) {
      case "setSsid": {
        const bytes = new TextEncoder().encode(request.ssid).length;
        if (bytes < 1 || bytes > 32) return await this.#error(AT_ERROR.INVALID_PARAMETER, from);
        this.#update({ ssid: request.ssid });
        return await this.#ok(null, from);
      }
      case "setKey": {
        const key = request.key.reveal();
        if (!keyFits(request.auth, request.encryption, key)) {
          return await this.#error(AT_ERROR.INVALID_PARAMETER, from);
        }
        this.#update({ auth: request.auth, encryption: request.encryption, key: request.key });
        return await this.#ok(null, from);
      }
      case "setMode":
        if (!MODES.has(request.mode)) return await this.#error(AT_ERROR.INVALID_PARAMETER, from);
        this.#update({ mode: request.mode as AtWifiMode });
        return await this.#ok(null, from);
      case "reboot":
        return this.#reboot(from);
      case "query":
        return await this.#query(request.command, from);
      case "set":
        return await this.#set(request.command, request.params, from);
    }
  }

  async #query(command: string, from: NetAddress): Promise<void> {
    const s = this.#state;
    switch (command) {
      case "": // The null command `AT+` answers `+ok` while in command mode.
        return await this.#ok(null, from);
      case "WSSSID":
        return await this.#ok(s.ssid, from);
      case "WSKEY":
        return await this.#ok(
          `${s.auth},${s.encryption}${s.key.isEmpty ? "" : `,${s.key.reveal()}`}`,
          from,
        );
      case "WMODE":
        return await this.#ok(s.mode, from);
      case "WSCAN":
        return await this.#ok(formatScanValue(this.#scan), from);
      case "WSLK":
        return await this.#ok(
          s.mode !== "AP" && s.ssid !== "" ? `${s.ssid}(${LINK_BSSID})` : "Disconnected",
          from,
        );
      case "WSMAC":
        return await this.#ok(Mac.format(this.#mac, "upper-bare"), from);
      case "VER":
        return await this.#ok(this.#ver, from);
      case "LVER":
        return await this.#ok(this.#lver, from);
      case "MID":
      case "WRMID":
        return await this.#ok(s.moduleId, from);
      default:
        return await this.#error(AT_ERROR.INVALID_COMMAND, from);
    }
  }

  async #set(command: string, params: readonly string[], from: NetAddress): Promise<void> {
    if (QUERY_ONLY.has(command)) return await this.#error(AT_ERROR.INVALID_OPERATOR, from);
    switch (command) {
      case "WRMID": {
        const [name = ""] = params;
        if (params.length !== 1 || name === "" || name.length > 20) {
          return await this.#error(AT_ERROR.INVALID_PARAMETER, from);
        }
        this.#update({ moduleId: name });
        return await this.#ok(null, from);
      }
      case "WSMAC": // Real modules want a factory code before they change their MAC.
        return await this.#error(AT_ERROR.NOT_PERMITTED, from);
      default:
        return await this.#error(AT_ERROR.INVALID_COMMAND, from);
    }
  }

  #reboot(from: NetAddress): void {
    // A reboot ends every command-mode session; the configuration is saved
    // (docs/protocol.md#ap-mode step 6).
    this.#atMode.clear();
    this.#partial.clear();
    const state = this.#state;
    this.#options.onReboot?.(state, from);
    if (state.mode === "STA" && state.ssid !== "") {
      this.#options.onJoin?.({
        ssid: state.ssid,
        auth: state.auth,
        encryption: state.encryption,
        key: state.key,
        from,
      });
    }
  }

  #update(change: Partial<AtModuleState>): void {
    this.#state = Object.freeze({ ...this.#state, ...change });
  }

  #remember(set: Set<string>, key: string): void {
    set.delete(key);
    set.add(key);
    if (set.size > MAX_PEERS) set.delete(set.values().next().value!);
  }

  /** Answers `+ERR` if the faults say so; returns whether it did. */
  async #fault(name: string, from: NetAddress): Promise<boolean> {
    const code = this.#faults.errors[name];
    if (code === undefined) return false;
    await this.#error(code, from);
    return true;
  }

  #ok(value: string | null, from: NetAddress): Promise<void> {
    return this.#reply({ kind: "ok", value }, from);
  }

  #error(code: AtErrorCode, from: NetAddress): Promise<void> {
    return this.#reply({ kind: "error", code, meaning: null }, from);
  }

  async #reply(reply: AtReply, to: NetAddress): Promise<void> {
    if (this.#faults.dropReplies > 0) {
      this.#faults.dropReplies--;
      return;
    }
    try {
      await this.#transport.send(encodeAtReply(reply), to);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}

/**
 * Binds the AT port and starts answering. Replies go to the requester's address and port.
 *
 * In AP mode bind `10.10.100.254` (or `0.0.0.0` inside a network namespace, to hear broadcasts); in
 * station mode bind the socket's LAN address, as the assist password also works there
 * (docs/protocol.md#ap-mode).
 *
 * @example Take a client through AP-mode pairing
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 * import { startAtListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * let joined = "";
 * const listener = startAtListener({
 *   mac: "accf2335e6aa",
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   onJoin: (event) => joined = event.ssid,
 * });
 * const client = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * const send = (text: string) => client.send(new TextEncoder().encode(text), listener.local);
 * await send("+ok");
 * const replies = client[Symbol.asyncIterator]();
 * for (const line of ["AT+WSSSID=home\r", "AT+WSKEY=WPA2PSK,AES,correct horse\r", "AT+WMODE=STA\r"]) {
 *   await send(line);
 *   const { value } = await replies.next();
 *   assert.equal(new TextDecoder().decode(value.data), "+ok\r\n\r\n");
 * }
 * await send("AT+Z\r");
 * while (joined === "") await new Promise((resolve) => setTimeout(resolve, 5));
 * assert.equal(joined, "home");
 * client.close();
 * await listener.close();
 * ```
 *
 * @param options Address, identity, state, faults and callbacks.
 * @returns The running listener.
 * @throws {PortInUseError} If the address and port are taken.
 * @throws {NetworkError} If the address cannot be bound.
 */
export function startAtListener(options: AtListenerOptions): AtListener {
  const transport = options.transport ??
    listenUdp({ hostname: options.hostname ?? "0.0.0.0", port: options.port ?? HF_AT_PORT });
  try {
    return new AtListener(transport, options);
  } catch (error) {
    transport.close();
    throw error;
  }
}
