/**
 * Tables 1, 3 and 4 of one socket with their change counters (docs/protocol.md#tables). Table 1 is
 * derived: it lists table 4 always and table 3 while it holds records (docs/protocol.md#table-1
 * inference: no capture of a socket without timers lists table 3).
 */
import { decode } from "../protocol/decode.ts";
import { encode } from "../protocol/encode.ts";
import type { SocketData, TableVersion, TimerRecord } from "../protocol/records.ts";

const U16 = 0xffff;

/** Field changes for {@linkcode editSocketData}. */
export type SocketDataChanges = Partial<Omit<SocketData, "raw">>;

/**
 * Table 4 with some fields changed and every other byte kept: the codec writes only fields that
 * differ from `raw` (docs/protocol.md#table-4 "Keep unknown bytes"), and decoding the result gives
 * the new `raw`.
 */
export function editSocketData(data: SocketData, changes: SocketDataChanges): SocketData {
  const bytes = encode({
    kind: "socketData",
    mac: data.mac,
    session: 0,
    data: { ...data, ...changes },
  });
  const message = decode(bytes);
  if (message.kind !== "socketData") throw new Error("Cannot re-read table 4 after an edit");
  return message.data;
}

/** Starting contents of the tables. */
export interface TableContents {
  readonly socketData: SocketData;
  readonly timers: readonly TimerRecord[];
  readonly socketDataVersion: number;
  readonly timersVersion: number;
}

/** The mutable tables of a device. */
export class DeviceTables {
  #socketData: SocketData;
  #timers: TimerRecord[];
  #socketDataVersion: number;
  #timersVersion: number;
  #maxTimers: number;

  constructor(contents: TableContents, maxTimers: number) {
    this.#socketData = contents.socketData;
    this.#timers = [...contents.timers];
    this.#socketDataVersion = contents.socketDataVersion & U16;
    this.#timersVersion = contents.timersVersion & U16;
    this.#maxTimers = maxTimers;
  }

  get socketData(): SocketData {
    return this.#socketData;
  }

  get timers(): readonly TimerRecord[] {
    return this.#timers;
  }

  /** Table 1: table 4, then table 3 while it has records (the pastebin's order). */
  versions(): TableVersion[] {
    const list: TableVersion[] = [{ id: 4, table: 4, version: this.#socketDataVersion }];
    if (this.#timers.length > 0) list.push({ id: 3, table: 3, version: this.#timersVersion });
    return list;
  }

  /** Replaces everything (factory reset). */
  reset(contents: TableContents): void {
    this.#socketData = contents.socketData;
    this.#timers = [...contents.timers];
    this.#socketDataVersion = contents.socketDataVersion & U16;
    this.#timersVersion = contents.timersVersion & U16;
  }

  /**
   * Writes table 4 (`tm`, `ts`, a completed `mp`); every write bumps its version
   * (docs/protocol.md#table-1).
   */
  setSocketData(data: SocketData): void {
    this.#socketData = data;
    this.#socketDataVersion = (this.#socketDataVersion + 1) & U16;
  }

  /**
   * Adds a timer; `false` when the table is full (Q3: the real limit is unknown). A second timer
   * with an id already present is kept too: docs/protocol.md#loss-and-duplicates warns that a
   * repeated add does exactly that.
   */
  addTimer(timer: TimerRecord): boolean {
    if (this.#timers.length >= this.#maxTimers) return false;
    this.#timers.push(timer);
    this.#bumpTimers();
    return true;
  }

  /** Replaces the first timer with the same id; `false` when there is none. */
  modifyTimer(timer: TimerRecord): boolean {
    const i = this.#timers.findIndex((t) => t.id === timer.id);
    if (i < 0) return false;
    this.#timers[i] = timer;
    this.#bumpTimers();
    return true;
  }

  /** Deletes every timer with `id`; `false` when there is none. */
  deleteTimer(id: number): boolean {
    const before = this.#timers.length;
    this.#timers = this.#timers.filter((t) => t.id !== id);
    if (this.#timers.length === before) return false;
    this.#bumpTimers();
    return true;
  }

  /** Removes one record object (a fired one-shot timer), if it is still in the table. */
  removeTimer(timer: TimerRecord): void {
    const i = this.#timers.indexOf(timer);
    if (i < 0) return;
    this.#timers.splice(i, 1);
    this.#bumpTimers();
  }

  /** Whether this record object is still in the table (it may have been replaced). */
  holds(timer: TimerRecord): boolean {
    return this.#timers.includes(timer);
  }

  #bumpTimers(): void {
    this.#timersVersion = (this.#timersVersion + 1) & U16;
  }
}
