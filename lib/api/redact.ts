/** Table 4 with its secret removed, for everything that leaves the process: API and CLI output. */
import type { SocketData } from "../protocol/records.ts";

/** Record bytes 28–39 of table 4 hold the remote password (docs/protocol.md#table-4). */
const PASSWORD_START = 28;
const PASSWORD_END = 40;
/** What a short password leaves in the rest of the field. */
const PADDING = 0x20;

/**
 * Table 4 without the remote password: the field blanked and its bytes in `raw` set to spaces.
 * Never write such a record back to a socket (that would erase the password); writes start
 * from a fresh read.
 */
export function redactSocketData(data: SocketData): SocketData {
  const raw = data.raw.slice();
  raw.fill(PADDING, PASSWORD_START, Math.min(PASSWORD_END, raw.length));
  return { ...data, remotePassword: "", raw };
}
