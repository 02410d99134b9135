/**
 * Automations: TypeScript modules whose default export the s20 daemon hosts, each in a worker
 * with only the Deno permissions its schedule entry grants. The daemon carries out their
 * socket calls, so a script needs no network permission to switch sockets.
 *
 * A schedule lists them:
 *
 * ```yaml
 * automations:
 *   - script: ./automations/link.ts   # relative to the schedule file
 *     allow: { net: ["api.example.org"], read: ["./data"], env: ["TZ"] }   # default: nothing
 *     options: { from: desk, to: [hall] }
 * ```
 *
 * The same module runs alone with {@linkcode runAlone}, for development in a terminal.
 *
 * @example Linked switches: the desk's button switches the hall too
 * ```ts
 * import type { AutomationContext } from "@s20/s20/automation";
 *
 * export async function linked({ sockets, signal }: AutomationContext): Promise<void> {
 *   const desk = sockets.socket("desk"), hall = sockets.socket("hall");
 *   for await (const e of sockets.events({ signal, keepAlive: [desk] })) {
 *     if (e.type === "state" && e.mac === desk.mac) await hall.setPower(e.on);
 *   }
 * }
 * ```
 *
 * @module
 */
export type {
  Automation,
  AutomationContext,
  GlancedEvent,
  ScheduledSocketGlance,
  ScheduleGlance,
} from "../scheduler/automation_context.ts";
export { runAlone, type RunAloneOptions } from "./run_alone.ts";
