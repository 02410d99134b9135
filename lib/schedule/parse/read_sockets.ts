import { isScalar, type YamlNode, type YamlSource } from "../yaml_source.ts";
import { MAX_SOCKETS } from "../limits.ts";
import { didYouMean } from "../../util/suggest.ts";
import { Mac } from "../../protocol/mac.ts";
import type { SocketAddress } from "../types.ts";

const ALIAS = /^[a-z0-9][a-z0-9_-]{0,31}$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FIELDS = ["mac", "ip", "name"];
// The socket stores its name in 16 bytes (docs/protocol.md#table-4).
const NAME_BYTES = 16;

/** What `sockets:` gave: the aliases read, and whether the section was sound enough to trust. */
export interface SocketsRead {
  readonly sockets: Record<string, SocketAddress>;
  /** False when a syntax error hid part of the section, so unknown aliases are not reported. */
  readonly complete: boolean;
}

/** Reads `sockets:`, a mapping of alias to `{mac, ip, name}`. */
export function readSockets(
  source: YamlSource,
  node: YamlNode | null,
  keyNode: YamlNode,
): SocketsRead {
  const sockets: Record<string, SocketAddress> = {};
  const map = source.asMap(node);
  if (map === null) {
    source.report(
      node ?? keyNode,
      "'sockets' must map each alias to its address, such as " +
        "'sockets: {hall: {mac: ac:cf:23:00:00:01}}'",
    );
    return { sockets, complete: false };
  }
  if (map.items.length > MAX_SOCKETS) {
    source.report(
      map,
      `'sockets' has ${map.items.length} aliases, over the limit of ${MAX_SOCKETS}; ` +
        "split the file, one schedule per group of sockets",
    );
    return { sockets, complete: false };
  }
  const complete = !source.hasSyntaxErrorIn(map);
  const owners = new Map<string, string>();
  for (const entry of source.entries(map, (key) => `duplicate socket alias '${key}'`)) {
    if (!ALIAS.test(entry.key)) {
      source.report(
        entry.keyNode,
        `socket alias '${entry.key}' is not usable in rules; use letters, digits, '-' and '_' ` +
          `(up to 32, starting with a letter or digit)`,
      );
      continue;
    }
    if (entry.value !== null && source.hasSyntaxErrorIn(entry.value)) {
      sockets[entry.key] = {};
      continue;
    }
    const address = readAddress(source, entry.key, entry.value, entry.keyNode);
    if (address === null) continue;
    sockets[entry.key] = address;
    for (const [field, value] of [["MAC", address.mac], ["IP", address.ip]] as const) {
      if (value === undefined) continue;
      const owner = owners.get(`${field} ${value}`);
      if (owner !== undefined) {
        source.report(
          entry.keyNode,
          `socket '${entry.key}' has the same ${field} ${value} as '${owner}'; ` +
            `one socket needs one alias, so remove one or correct the address`,
        );
      }
      owners.set(`${field} ${value}`, entry.key);
    }
  }
  return { sockets, complete };
}

function readAddress(
  source: YamlSource,
  alias: string,
  node: YamlNode | null,
  keyNode: YamlNode,
): SocketAddress | null {
  const map = source.asMap(node);
  if (map === null) {
    source.report(
      node ?? keyNode,
      `socket '${alias}' needs an address: write '${alias}: {mac: ac:cf:23:00:00:01}' ` +
        `and/or ip: and name:`,
    );
    return null;
  }
  const address: { mac?: string; ip?: string; name?: string } = {};
  let sound = true;
  for (const entry of source.entries(map, (key) => `duplicate key '${key}' in socket '${alias}'`)) {
    const value = entry.value;
    const text = value !== null && isScalar(value) && value.value !== null
      ? String(value.value)
      : null;
    if (!FIELDS.includes(entry.key)) {
      source.report(
        entry.keyNode,
        `unknown key '${entry.key}' in socket '${alias}'${didYouMean(entry.key, FIELDS)}; ` +
          `a socket has mac, ip and name`,
      );
      sound = false;
      continue;
    }
    if (text === null) {
      source.report(value ?? entry.keyNode, `'${entry.key}' of socket '${alias}' needs a value`);
      sound = false;
      continue;
    }
    if (entry.key === "mac") {
      const mac = Mac.tryParse(text);
      if (mac === null) {
        source.report(
          value!,
          `'${text}' is not a MAC address; write six hex pairs such as ac:cf:23:00:00:01`,
        );
        sound = false;
      } else address.mac = mac;
    } else if (entry.key === "ip") {
      if (!isIpv4(text)) {
        source.report(
          value!,
          `'${text}' is not an IPv4 address; write four numbers from 0 to 255, such as 192.0.2.10`,
        );
        sound = false;
      } else address.ip = text;
    } else {
      if (new TextEncoder().encode(text).length > NAME_BYTES || text === "") {
        source.report(
          value!,
          `name '${text}' does not fit the socket's ${NAME_BYTES}-byte name; shorten it`,
        );
        sound = false;
      } else address.name = text;
    }
  }
  if (
    sound && address.mac === undefined && address.ip === undefined && address.name === undefined
  ) {
    source.report(
      map,
      `socket '${alias}' has no address; give it a mac, an ip or a name`,
    );
    return null;
  }
  return address;
}

function isIpv4(text: string): boolean {
  const match = IPV4.exec(text);
  return match !== null &&
    match.slice(1).every((part) => Number(part) <= 255 && !/^0\d/.test(part));
}
