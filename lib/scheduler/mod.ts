/**
 * The scheduler: sync a schedule into the sockets' own timer tables and run the rest from the
 * host (`s20 schedule sync|run`).
 *
 * Each symbol has one home: the client, codec and errors this API mentions are imported from
 * `@s20/s20`, the schedule types from `@s20/s20/schedule`; this entry point holds only the
 * scheduler's own.
 *
 * @module
 */
export { type DaemonOptions, type DaemonStatus, SchedulerDaemon } from "./daemon.ts";
export {
  formatLogJson,
  formatLogText,
  type LogEntry,
  type LogKind,
  type LogTextOptions,
} from "./log_entry.ts";
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
export { ownerLabel, ownerOf, ownerRule } from "./owned_timers.ts";
export type { AutomationState, AutomationStatus } from "./automation_host.ts";
export { StateStore, type UnreadableState } from "./state_store.ts";
