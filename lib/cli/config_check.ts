/**
 * Checks the config file the way the schedule file is checked: every problem at its
 * `file:line:column`, with the nearest known key suggested for a misspelt one. The YAML reading
 * and positions are the schedule language's (`YamlSource`), so both files report alike.
 */
import { isScalar, isSeq, type YamlNode, YamlSource } from "../schedule/yaml_source.ts";
import type { ScheduleIssue } from "../schedule/schedule_error.ts";
import { parseTarget } from "../client/targets.ts";
import { Mac } from "../protocol/mac.ts";
import { ipToNumber } from "../transport/ipv4.ts";
import { didYouMean } from "../util/suggest.ts";
import { malformedAddress } from "./socket_token.ts";

/** What an alias stands for, before its source is attached. */
export interface AliasFields {
  readonly mac?: Mac;
  readonly ip?: string;
  readonly name?: string;
}

/** A config file read: its contents when sound, and every problem found. */
export interface ConfigRead {
  readonly sockets: Map<string, AliasFields>;
  readonly schedule: string | undefined;
  readonly targets: string[];
  /** The `mqtt:` section as plain values, checked by `mqtt_config.ts` when a bridge starts. */
  readonly mqtt: unknown;
  readonly issues: ScheduleIssue[];
}

const TOP_KEYS = ["sockets", "schedule", "targets", "mqtt"];
const SOCKET_KEYS = ["mac", "ip", "name"];
// The socket stores its name in 16 bytes (docs/protocol.md#table-4); a longer one never matches.
const NAME_BYTES = 16;
const MAC_FIX = "write six hex pairs such as ac:cf:23:24:19:c0";
const IP_FIX = "write four numbers from 0 to 255 such as 192.168.1.30";

/**
 * Reads and checks a config file's text.
 *
 * @example
 * ```ts
 * import { checkConfig } from "./config_check.ts";
 *
 * const { issues } = checkConfig("target: [192.168.7.255]\n", "config.yaml");
 * // issues[0]: config.yaml:1:1: unknown key 'target' (did you mean 'targets'?); …
 * ```
 */
export function checkConfig(text: string, file: string): ConfigRead {
  const source = new YamlSource(text, file);
  const read = { sockets: new Map<string, AliasFields>(), targets: [] as string[] };
  let schedule: string | undefined;
  let mqtt: unknown = undefined;
  const root = source.asMap(source.root);
  if (root === null && source.root !== null && source.issues.length === 0) {
    source.report(
      source.root,
      "the config file must be a mapping with 'sockets:', 'schedule:' or 'targets:' at the top",
    );
  }
  const entries = root === null ? [] : source.entries(root, (key) => `duplicate key '${key}'`);
  for (const { key, keyNode, value } of entries) {
    if (key === "sockets") readSockets(source, value, keyNode, read.sockets);
    else if (key === "schedule") schedule = readSchedulePath(source, value, keyNode);
    else if (key === "targets") readTargets(source, value, keyNode, read.targets);
    else if (key === "mqtt") {
      mqtt = (value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    } else {
      source.report(
        keyNode,
        `unknown key '${key}'${didYouMean(key, TOP_KEYS)}; a config file has sockets, ` +
          "schedule, targets and mqtt",
      );
    }
  }
  return { ...read, schedule, mqtt, issues: source.allIssues() };
}

function readSockets(
  source: YamlSource,
  node: YamlNode | null,
  keyNode: YamlNode,
  into: Map<string, AliasFields>,
): void {
  if (node === null) return;
  const map = source.asMap(node);
  if (map === null) {
    source.report(
      node ?? keyNode,
      "'sockets' must map each alias to a socket, such as 'sockets: {desk: ac:cf:23:24:19:c0}'",
    );
    return;
  }
  for (const entry of source.entries(map, (key) => `duplicate socket alias '${key}'`)) {
    const alias = readAlias(source, entry.key, entry.value ?? entry.keyNode);
    if (alias !== null) into.set(entry.key, alias);
  }
}

function readAlias(source: YamlSource, alias: string, node: YamlNode): AliasFields | null {
  if (isScalar(node) && typeof node.value === "string") {
    const text = node.value;
    const mac = Mac.tryParse(text);
    if (mac) return { mac };
    if (ipToNumber(text) !== null) return { ip: text };
    const problem = malformedAddress(text) ?? nameProblem(text);
    if (problem !== null) {
      source.report(node, `socket '${alias}': ${problem}`);
      return null;
    }
    return { name: text };
  }
  const map = source.asMap(node);
  if (map === null) {
    const shown = isScalar(node) ? `'${String(node.value)}'` : "a list";
    source.report(
      node,
      `socket '${alias}' is ${shown}; give a MAC, an IP, a name in quotes, or ` +
        `{mac: …, ip: …, name: …}`,
    );
    return null;
  }
  const fields: { mac?: Mac; ip?: string; name?: string } = {};
  let sound = true;
  const bad = (place: YamlNode, message: string) => {
    source.report(place, message);
    sound = false;
  };
  for (const entry of source.entries(map, (key) => `duplicate key '${key}' in socket '${alias}'`)) {
    const value = entry.value;
    const text = value !== null && isScalar(value) && typeof value.value === "string"
      ? value.value
      : null;
    if (!SOCKET_KEYS.includes(entry.key)) {
      bad(
        entry.keyNode,
        `unknown key '${entry.key}' in socket '${alias}'${didYouMean(entry.key, SOCKET_KEYS)}; ` +
          "a socket has mac, ip and name",
      );
    } else if (text === null) {
      bad(value ?? entry.keyNode, `'${entry.key}' of socket '${alias}' must be text`);
    } else if (entry.key === "mac") {
      const mac = Mac.tryParse(text);
      if (mac !== null) fields.mac = mac;
      else bad(value!, malformedAddress(text) ?? `'${text}' is not a MAC address; ${MAC_FIX}`);
    } else if (entry.key === "ip") {
      if (ipToNumber(text) !== null) fields.ip = text;
      else bad(value!, malformedAddress(text) ?? `'${text}' is not an IPv4 address; ${IP_FIX}`);
    } else {
      const problem = nameProblem(text);
      if (problem === null) fields.name = text;
      else bad(value!, `socket '${alias}': ${problem}`);
    }
  }
  if (!sound) return null;
  if (fields.mac === undefined && fields.ip === undefined && fields.name === undefined) {
    source.report(map, `socket '${alias}' has no address; give it a mac, an ip or a name`);
    return null;
  }
  return fields;
}

function nameProblem(name: string): string | null {
  const bytes = new TextEncoder().encode(name).length;
  return bytes === 0 || bytes > NAME_BYTES
    ? `name '${name}' does not fit the socket's ${NAME_BYTES}-byte name, so no socket has it`
    : null;
}

function readSchedulePath(
  source: YamlSource,
  node: YamlNode | null,
  keyNode: YamlNode,
): string | undefined {
  if (node !== null && isScalar(node) && typeof node.value === "string") return node.value;
  source.report(
    node ?? keyNode,
    "'schedule' must be the path of a schedule file, such as 'schedule: ~/schedules.yaml'",
  );
  return undefined;
}

function readTargets(
  source: YamlSource,
  node: YamlNode | null,
  keyNode: YamlNode,
  into: string[],
): void {
  if (node === null || !isSeq(node)) {
    source.report(
      node ?? keyNode,
      "'targets' must be a list of addresses, blocks or MAC@IP, such as " +
        "'targets: [192.168.7.255, 10.0.0.0/24]'",
    );
    return;
  }
  for (const item of node.items.map((i) => source.resolve(i))) {
    if (item === null || !isScalar(item) || typeof item.value !== "string") {
      source.report(item ?? node, "each of 'targets' must be an address, a block or MAC@IP");
      continue;
    }
    try {
      parseTarget(item.value);
      into.push(item.value);
    } catch (error) {
      if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
      source.report(item, error.message);
    }
  }
}
