/** What a client reports about the sockets it hears from. */
import type { Mac } from "../protocol/mac.ts";

/**
 * A live event from a socket. `state` comes from the socket's pushes (its button, another
 * app, a timer) and from replies; `announce` from its unsolicited broadcasts; `reboot` when it
 * shows signs of a restart (an announcement or reply with an unset clock, or a subscription it
 * forgot); `offline`/`online` from keep-alives that fail or recover; `address` when its IP
 * changes.
 *
 * @example Print state changes
 * ```ts
 * import type { S20Event } from "@s20/s20";
 *
 * function show(event: S20Event): string {
 *   return event.type === "state" ? `${event.mac} is ${event.on ? "on" : "off"}` : event.type;
 * }
 * ```
 */
export type S20Event =
  | { readonly type: "state"; readonly mac: Mac; readonly on: boolean; readonly at: Date }
  | {
    readonly type: "announce";
    readonly mac: Mac;
    readonly ip: string;
    readonly on: boolean | null;
    readonly clock: Date | null;
    readonly at: Date;
  }
  | { readonly type: "reboot"; readonly mac: Mac; readonly reason: string; readonly at: Date }
  | { readonly type: "offline"; readonly mac: Mac; readonly reason: string; readonly at: Date }
  | { readonly type: "online"; readonly mac: Mac; readonly at: Date }
  | {
    readonly type: "address";
    readonly mac: Mac;
    readonly ip: string;
    readonly previous: string | null;
    readonly at: Date;
  };
