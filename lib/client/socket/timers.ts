/**
 * Table 3 of {@linkcode S20Socket}: the socket's timers, read only when table 1 shows a new
 * version, written one record at a time with a read-back so that a lost acknowledgement never
 * creates a duplicate (docs/protocol.md#table-3). Internal.
 */
import { S20Error } from "../../errors.ts";
import type { TimerRecord } from "../../protocol/records.ts";
import type { Deadline } from "../deadline.ts";
import { sameTimer, timerRecordFor, type TimerSpec } from "../timer_spec.ts";
import type { CallOptions } from "../types.ts";
import { MAX_UNAPPLIED_WRITES, type SocketLink } from "./link.ts";

/** Table-3 operations of one socket, with the last copy read. */
export class Timers {
  #link: SocketLink;
  #cache: { version: number; timers: TimerRecord[] } | null = null;

  constructor(link: SocketLink) {
    this.#link = link;
  }

  list(options: CallOptions): Promise<TimerRecord[]> {
    return this.#link.op((d) => this.#read(d), options);
  }

  add(spec: TimerSpec, options: CallOptions): Promise<TimerRecord> {
    return this.#link.op(async (d) => {
      const existing = await this.#read(d);
      const id = spec.id ?? freeTimerId(existing);
      if (existing.some((t) => t.id === id)) {
        throw new RangeError(`Cannot add timer ${id}: the socket already has a timer with that id`);
      }
      const record = timerRecordFor(spec, id, new Date(this.#link.ctx.clock.now()));
      return await this.#write(d, "add", record);
    }, options);
  }

  update(id: number, spec: TimerSpec | TimerRecord, options: CallOptions): Promise<TimerRecord> {
    return this.#link.op(async (d) => {
      const existing = await this.#read(d);
      if (!existing.some((t) => t.id === id)) {
        throw new RangeError(`Cannot update timer ${id}: the socket has no timer with that id`);
      }
      const record = "label" in spec
        ? { ...spec, id }
        : timerRecordFor({ ...spec }, id, new Date(this.#link.ctx.clock.now()));
      return await this.#write(d, "modify", record);
    }, options);
  }

  put(record: TimerRecord, options: CallOptions): Promise<TimerRecord> {
    return this.#link.op(async (d) => {
      const existing = await this.#read(d);
      const current = existing.find((t) => t.id === record.id);
      if (current && sameTimer(current, record)) return current;
      return await this.#write(d, current ? "modify" : "add", record);
    }, options);
  }

  remove(id: number, options: CallOptions): Promise<void> {
    return this.#link.op((d) => this.#delete(d, id), options);
  }

  clear(options: CallOptions): Promise<number> {
    return this.#link.op(async (d) => {
      const existing = await this.#read(d);
      for (const t of existing) await this.#delete(d, t.id);
      return existing.length;
    }, options);
  }

  async #read(d: Deadline): Promise<TimerRecord[]> {
    const version = (await this.#link.versions(d)).get(3);
    // A table shows up in table 1 only once it has records (docs/protocol.md#table-1).
    if (version === undefined) {
      this.#cache = null;
      return [];
    }
    if (this.#cache && this.#cache.version === version) return this.#cache.timers;
    const reply = await this.#link.readTable(d, 3, "timerTable");
    this.#cache = { version, timers: [...reply.timers] };
    return this.#cache.timers;
  }

  /**
   * Adds or modifies one record and reads the table back. An add is sent once per round and
   * the table is read before any resend, so a lost acknowledgement cannot create a duplicate.
   */
  async #write(
    d: Deadline,
    operation: "add" | "modify",
    record: TimerRecord,
  ): Promise<TimerRecord> {
    const link = this.#link;
    const mac = await link.ready(d);
    await link.subscribe(d);
    for (let acked = 0;;) {
      const ack = await link.tryExchange(
        d,
        { kind: "writeTimer", mac, session: 0, operation, timer: record },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
        1,
      );
      this.#cache = null;
      const found = (await this.#read(d)).find((t) => t.id === record.id);
      if (found && sameTimer(found, record)) return found;
      if (found && operation === "add") {
        throw new S20Error(
          "TIMER_ID_TAKEN",
          `Socket ${mac} holds a different timer with id ${record.id}; use another id`,
        );
      }
      if (ack) acked++;
      else await link.subscribe(d, true);
      if (acked >= MAX_UNAPPLIED_WRITES) throw link.notApplied(`timer ${record.id} ${operation}`);
    }
  }

  async #delete(d: Deadline, id: number): Promise<void> {
    const mac = await this.#link.ready(d);
    for (let acked = 0;;) {
      if (!(await this.#read(d)).some((t) => t.id === id)) return;
      if (acked >= MAX_UNAPPLIED_WRITES) throw this.#link.notApplied(`timer ${id} removal`);
      await this.#link.command(
        d,
        { kind: "deleteRecord", mac, session: 0, table: 3, id },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
      );
      acked++;
      this.#cache = null;
    }
  }
}

/** A random unused u16 timer id (orvfms picks random ids too; docs/protocol.md#table-3). */
function freeTimerId(existing: readonly TimerRecord[]): number {
  const used = new Set(existing.map((t) => t.id));
  const buffer = new Uint16Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    if (buffer[0]! !== 0 && !used.has(buffer[0]!)) return buffer[0]!;
  }
}
