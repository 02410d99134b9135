/**
 * Table 4 of {@linkcode S20Socket}: the socket's settings (name, icon, zone, lock, remote
 * password, auto-off), read only when table 1 shows a new version, and written field by field
 * with a read-back (docs/protocol.md#table-4). Internal.
 */
import type { SocketData } from "../../protocol/records.ts";
import { type ZoneFields, zoneFieldsFor } from "../../protocol/zone.ts";
import { zoneOffsetAt } from "../../time/zones.ts";
import { quoted } from "../../util/quote.ts";
import type { Deadline } from "../deadline.ts";
import { type CallOptions, type IconName, ICONS } from "../types.ts";
import { MAX_UNAPPLIED_WRITES, type SocketLink } from "./link.ts";

/** Table-4 operations of one socket, with the last copy read. */
export class Settings {
  #link: SocketLink;
  #cache: { version: number; data: SocketData } | null = null;

  constructor(link: SocketLink) {
    this.#link = link;
  }

  info(options: CallOptions): Promise<SocketData> {
    return this.#link.op((d) => this.#read(d), options);
  }

  rename(name: string, options: CallOptions): Promise<SocketData> {
    const trimmed = name.trim();
    const bytes = new TextEncoder().encode(trimmed).length;
    if (bytes === 0 || bytes > 16 || !printable(trimmed)) {
      return Promise.reject(
        new RangeError(
          `Cannot rename to ${
            quoted(name)
          }: a socket name is 1–16 bytes of printable text (this is ${bytes})`,
        ),
      );
    }
    return this.#change({ name: trimmed }, options);
  }

  setIcon(icon: number | IconName, options: CallOptions): Promise<SocketData> {
    const n = typeof icon === "number" ? icon : ICONS[icon];
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xffff) {
      return Promise.reject(
        new RangeError(
          `Cannot set icon ${quoted(icon)}: use 0–5 or one of ${Object.keys(ICONS).join(", ")}`,
        ),
      );
    }
    return this.#change({ icon: n }, options);
  }

  setTimeZone(
    zone: string | number,
    options: CallOptions & { readonly dst?: boolean; readonly at?: Date },
  ): Promise<SocketData> {
    let fields: ZoneFields;
    try {
      const { offsetMinutes, dst } = typeof zone === "string"
        ? zoneOffsetAt(zone, options.at ?? new Date(this.#link.ctx.clock.now()))
        : { offsetMinutes: zone, dst: options.dst ?? false };
      fields = zoneFieldsFor(offsetMinutes, { dst });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#change(fields, options);
  }

  setDiscoverable(discoverable: boolean, options: CallOptions): Promise<SocketData> {
    return this.#change({ discoverable }, options);
  }

  async setRemotePassword(password: string, options: CallOptions): Promise<void> {
    if (!/^[\x21-\x7e]{1,12}$/.test(password)) {
      throw new RangeError("Cannot set the remote password: use 1–12 printable ASCII characters");
    }
    await this.#change({ remotePassword: password }, options);
  }

  autoOff(options: CallOptions): Promise<number | null> {
    return this.#link.op(async (d) => {
      const data = await this.#read(d);
      return data.autoOffEnabled ? data.autoOffSeconds : null;
    }, options);
  }

  setAutoOff(seconds: number | null, options: CallOptions): Promise<SocketData> {
    if (seconds !== null && (!Number.isInteger(seconds) || seconds < 1 || seconds > 0xffff)) {
      return Promise.reject(
        new RangeError(
          `Cannot set auto-off to ${seconds} s: use 1–65535 seconds, or null to disable`,
        ),
      );
    }
    return this.#change(
      seconds === null
        ? { autoOffEnabled: false }
        : { autoOffEnabled: true, autoOffSeconds: seconds },
      options,
    );
  }

  #change(change: Partial<SocketData>, options: CallOptions): Promise<SocketData> {
    return this.#link.op((d) => this.#write(d, change), options);
  }

  async #read(d: Deadline): Promise<SocketData> {
    const version = (await this.#link.versions(d)).get(4) ?? -1;
    if (this.#cache && version >= 0 && this.#cache.version === version) return this.#cache.data;
    const reply = await this.#link.readTable(d, 4, "socketData");
    this.#cache = { version, data: reply.data };
    return reply.data;
  }

  /** Writes table-4 fields unless they already hold those values, then reads back. */
  async #write(d: Deadline, change: Partial<SocketData>): Promise<SocketData> {
    const mac = await this.#link.ready(d);
    const applied = (data: SocketData) =>
      Object.entries(change).every(([k, v]) => data[k as keyof SocketData] === v);
    for (let written = 0;;) {
      const current = await this.#read(d);
      if (applied(current)) return current;
      if (written >= MAX_UNAPPLIED_WRITES) throw this.#link.notApplied("table-4 write");
      await this.#link.command(
        d,
        {
          kind: "writeSocketData",
          mac,
          session: 0,
          operation: "modify",
          data: { ...current, ...change },
        },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
      );
      written++;
      this.#cache = null;
    }
  }
}

function printable(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(text);
}
