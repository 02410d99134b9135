/**
 * The port holder's names, for the CLI's commands: they live in `lib/api/port_holder.ts`, which
 * the web page's doctor shares with `s20 doctor`.
 */
export { s20CommandOf } from "../../api/port_holder.ts";
