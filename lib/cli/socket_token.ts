/**
 * Catches socket arguments that were meant as a MAC or an IP but are not valid ones
 * (`ac:cf:23:00:00`, `256.1.1.1`, `127.0.0.1:70000`). Anything that is neither a MAC nor an
 * address is otherwise taken as a socket's own name and searched for on the network, so a typo
 * would cost a discovery wait and end in "not found" instead of saying what is wrong.
 */
import { Mac } from "../protocol/mac.ts";
import { ipToNumber } from "../transport/ipv4.ts";

/** Hex groups joined by `:`, or by `-` three or more times (which names rarely are). */
const MAC_SEPARATED = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2})+$|^[0-9a-f]{1,2}(?:-[0-9a-f]{1,2}){2,}$/i;
/** Ten to fourteen hex digits and nothing else: a bare MAC with a digit or two off. */
const MAC_BARE = /^[0-9a-f]{10,14}$/i;
/** Digits and dots with at least one dot, optionally `:port`. */
const DOTTED = /^\d+(?:\.\d*)+(?::(.*))?$/;

const MAC_FIX = "write six hex pairs such as ac:cf:23:24:19:c0 or accf232419c0";

function macProblem(text: string): string | null {
  if (Mac.tryParse(text)) return null;
  const parts = text.split(/[:-]/);
  const detail = parts.length === 1
    ? `it has ${text.length} hex digits, not 12`
    : parts.some((p) => p.length !== 2)
    ? "every part must be two hex digits"
    : `it has ${parts.length} of 6 pairs`;
  return `'${text}' is not a MAC address (${detail}); ${MAC_FIX}`;
}

function addressProblem(text: string): string | null {
  const [host = "", port, extra] = text.split(":");
  const parts = host.split(".");
  if (parts.length !== 4 || ipToNumber(host) === null) {
    const over = parts.find((p) => Number(p) > 255);
    const detail = parts.length !== 4
      ? `it has ${parts.length} of 4 numbers`
      : over !== undefined
      ? `${over} is over 255`
      : "each part must be a number from 0 to 255";
    return `'${text}' is not an IPv4 address (${detail}); write four numbers from 0 to 255 ` +
      "such as 192.168.1.30, optionally with :port";
  }
  if (
    extra !== undefined ||
    (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
  ) {
    return `'${text}' has a bad port ('${text.slice(host.length + 1)}'); ` +
      "a port is a whole number from 1 to 65535";
  }
  return null;
}

/**
 * Why `text` is not a valid MAC, IPv4 address (with optional `:port`) or `MAC@IP` though it looks
 * meant as one, or `null` when it is valid or looks like a name instead.
 *
 * @example
 * ```ts
 * import { malformedAddress } from "./socket_token.ts";
 *
 * malformedAddress("ac:cf:23:00:00"); // "'ac:cf:23:00:00' is not a MAC address (it has 5 of 6 …"
 * malformedAddress("256.1.1.1"); // "'256.1.1.1' is not an IPv4 address (256 is over 255); …"
 * malformedAddress("desk"); // null
 * ```
 */
export function malformedAddress(text: string): string | null {
  const token = text.trim();
  const at = token.indexOf("@");
  const looksLikeMac = (t: string) => MAC_SEPARATED.test(t) || MAC_BARE.test(t);
  if (at >= 0) {
    const [mac, address] = [token.slice(0, at), token.slice(at + 1)];
    // `desk@home` is a name; `MAC@IP` needs both halves right.
    if (!looksLikeMac(mac) && !DOTTED.test(address)) return null;
    return macProblem(mac) ?? addressProblem(address);
  }
  if (looksLikeMac(token)) return macProblem(token);
  if (DOTTED.test(token)) return addressProblem(token);
  return null;
}
