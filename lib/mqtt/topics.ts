/**
 * The bridge's topic names, after zigbee2mqtt's convention: `<base>/bridge/state`, one retained
 * JSON state per socket at `<base>/<name>`, and its `availability`, `set`, `get` and `event`
 * below it; Home Assistant discovery under `<prefix>/<component>/<node id>/<object id>/config`.
 */
import type { Mac } from "../protocol/mac.ts";

/**
 * Checks a topic prefix given in the configuration (a base topic, a discovery prefix, a node
 * id): non-empty, no wildcard, no empty level, no NUL.
 *
 * @example
 * ```ts
 * import { topicPrefixProblem } from "@s20/s20/mqtt";
 *
 * topicPrefixProblem("home/s20"); // null
 * topicPrefixProblem("s20/#"); // "may not hold '+' or '#'"
 * ```
 *
 * @param text The prefix.
 * @returns What is wrong with it, or `null`.
 */
export function topicPrefixProblem(text: string): string | null {
  if (text === "") return "may not be empty";
  if (/[+#]/.test(text)) return "may not hold '+' or '#'";
  if (text.includes("\0")) return "may not hold NUL";
  if (text.split("/").some((level) => level === "")) {
    return "may not start or end with '/' or hold '//'";
  }
  return null;
}

/** Levels a socket's name may not take: they are the bridge's own. */
const RESERVED = new Set(["bridge"]);

/**
 * The topic level of one socket: its alias when it is one clean level, else its MAC as 12
 * lower-case hex digits (`accf232419c0`).
 *
 * @example
 * ```ts
 * import { Mac } from "@s20/s20";
 * import { socketLevel } from "@s20/s20/mqtt";
 *
 * socketLevel("desk", Mac.parse("ac:cf:23:24:19:c0")); // "desk"
 * socketLevel(null, Mac.parse("ac:cf:23:24:19:c0")); // "accf232419c0"
 * ```
 */
export function socketLevel(alias: string | null, mac: Mac): string {
  if (alias !== null && !RESERVED.has(alias) && /^[\p{L}\p{N}_.-]{1,64}$/u.test(alias)) {
    return alias;
  }
  return macHex(mac);
}

/** A MAC as 12 lower-case hex digits, for topic levels and ids. */
export function macHex(mac: Mac): string {
  return mac.replaceAll(":", "");
}

/** What the message of a socket topic asks for. */
export type SocketTopicKind = "set" | "get";

/**
 * Every topic of one bridge.
 *
 * @example
 * ```ts
 * import { BridgeTopics } from "@s20/s20/mqtt";
 *
 * const topics = new BridgeTopics({ base: "s20", discoveryPrefix: "homeassistant", nodeId: "s20" });
 * topics.state("desk"); // "s20/desk"
 * topics.discovery("switch", "accf232419c0_switch"); // "homeassistant/switch/s20/accf232419c0_switch/config"
 * ```
 */
export class BridgeTopics {
  /** The base topic, such as `s20`. */
  readonly base: string;
  /** Home Assistant's discovery prefix, such as `homeassistant`. */
  readonly discoveryPrefix: string;
  /** This bridge's node id in discovery topics and unique ids. */
  readonly nodeId: string;

  /** Takes the three prefixes (checked by the caller with {@linkcode topicPrefixProblem}). */
  constructor(options: { base: string; discoveryPrefix: string; nodeId: string }) {
    this.base = options.base;
    this.discoveryPrefix = options.discoveryPrefix;
    this.nodeId = options.nodeId;
  }

  /** `online`/`offline`, retained; the broker's will sets `offline`. */
  get bridgeState(): string {
    return `${this.base}/bridge/state`;
  }

  /** Home Assistant's birth and last-will topic. */
  get homeAssistantStatus(): string {
    return `${this.discoveryPrefix}/status`;
  }

  /** The filters the bridge subscribes to for commands. */
  get commandFilters(): string[] {
    return [`${this.base}/+/set`, `${this.base}/+/get`];
  }

  /** Every discovery config of this node, to find ones left over from sockets now gone. */
  get discoveryFilter(): string {
    return `${this.discoveryPrefix}/+/${this.nodeId}/+/config`;
  }

  /** A socket's retained JSON state. */
  state(level: string): string {
    return `${this.base}/${level}`;
  }

  /** A socket's `online`/`offline`. */
  availability(level: string): string {
    return `${this.base}/${level}/availability`;
  }

  /** Where a socket takes commands. */
  set(level: string): string {
    return `${this.base}/${level}/set`;
  }

  /** Where a socket's events go (button presses, reboots). */
  event(level: string): string {
    return `${this.base}/${level}/event`;
  }

  /** A discovery config topic of this node. */
  discovery(component: string, objectId: string): string {
    return `${this.discoveryPrefix}/${component}/${this.nodeId}/${objectId}/config`;
  }

  /** The socket level and kind of a command topic, or `null` when it is none. */
  parseCommand(topic: string): { level: string; kind: SocketTopicKind } | null {
    const prefix = `${this.base}/`;
    if (!topic.startsWith(prefix)) return null;
    const rest = topic.slice(prefix.length).split("/");
    if (rest.length !== 2 || (rest[1] !== "set" && rest[1] !== "get")) return null;
    return { level: rest[0]!, kind: rest[1] };
  }

  /** The object id of one of this node's discovery topics, or `null`. */
  parseDiscovery(topic: string): { component: string; objectId: string } | null {
    const levels = topic.split("/");
    const prefix = this.discoveryPrefix.split("/");
    if (levels.length !== prefix.length + 4) return null;
    if (levels.slice(0, prefix.length).join("/") !== this.discoveryPrefix) return null;
    const [component, node, objectId, config] = levels.slice(prefix.length);
    if (node !== this.nodeId || config !== "config") return null;
    return { component: component!, objectId: objectId! };
  }
}

/**
 * The node id a base topic gives when none is configured: its levels joined by `_`, with
 * anything but letters, digits, `_` and `-` dropped (`home/s20` → `home_s20`).
 *
 * @example
 * ```ts
 * import { nodeIdOf } from "@s20/s20/mqtt";
 *
 * nodeIdOf("home/s20"); // "home_s20"
 * ```
 */
export function nodeIdOf(base: string): string {
  const id = base.replaceAll("/", "_").replace(/[^A-Za-z0-9_-]/g, "");
  return id === "" ? "s20" : id;
}
