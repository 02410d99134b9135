/**
 * The scheduler: sync a schedule into the sockets' own timer tables and run the rest from the
 * host (`s20 schedule sync|run`).
 *
 * @module
 */
export { type DaemonOptions, type DaemonStatus, SchedulerDaemon } from "./daemon.ts";
export { formatLogJson, formatLogText, type LogEntry, type LogKind } from "./log_entry.ts";
export {
  MAX_SKEW_MS,
  type SocketSyncReport,
  type SyncOptions,
  type SyncReport,
  syncSchedule,
} from "./sync.ts";
export {
  resolveSockets,
  type ResolveSocketsOptions,
  type ScheduledSocket,
} from "./resolve_sockets.ts";
export { ownerLabel, ownerOf } from "./owned_timers.ts";
export { StateStore, type UnreadableState } from "./state_store.ts";
// The types the scheduler's API mentions (client, codec, schedule), so this entry point
// documents itself.
export type * from "../../mod.ts";
export type * from "../schedule/mod.ts";
