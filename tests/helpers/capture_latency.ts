/**
 * How long the real socket took to answer, measured in ../shared/captures: the evidence behind
 * the emulator's `CAPTURED_LATENCIES` table (lib/emulator/latency.ts), recomputed by its test.
 *
 * Rules: requests from the vendor app on the socket's LAN (10.0.0.0/24) only, since the cloud's
 * requests come in bursts of identical copies whose answers cannot be told apart; the one
 * exception is `cd`, which only the cloud sent (capture 3). A reply belongs to the latest
 * unanswered request of its command from the host it goes to, within 2 s; discovery is timed
 * from the latest request to the first copy of the burst, from the first copy of a request the capture recorded twice.
 * After a `dc`: `sf` is the ack → first `sf` of the first round, `sf2` the first round → the
 * second. Times are rounded to whole milliseconds.
 */
import type { Message } from "../../mod.ts";
import { CAPTURE_FILES, decodeOrNull, REPLY_TO, REQUEST_COMMAND } from "./fidelity.ts";
import { readCapture } from "./pcap.ts";
import { readShared } from "./shared.ts";

const DEVICE_IP = "10.0.0.243";
const PORT = 10000;
const WINDOW_S = 2;
/** Two copies of one broadcast this close together are a capture artefact (docs/protocol.md#loss-and-duplicates). */
const ARTEFACT_S = 0.002;

/** One measured latency and where it comes from. */
export interface LatencySample {
  readonly ms: number;
  /** `c4#103`: capture 4, frame of the request (of the ack for `sf`, of the first `sf` for `sf2`). */
  readonly source: string;
}

interface Request {
  readonly time: number;
  readonly frame: number;
  readonly command: string;
  readonly from: string;
  readonly message: Message;
  answered: boolean;
}

function lan(ip: string): boolean {
  return ip.startsWith("10.0.0.") && ip !== DEVICE_IP;
}

/** The row a reply to `request` counts in: `rt4` for table 4, `rt` for tables 1 and 3. */
function row(request: Request): string {
  const m = request.message;
  return m.kind === "readTable" && m.table === 4 ? "rt4" : request.command;
}

/**
 * Measures every latency of the four captures (reads ../shared; the caller checks it is there).
 *
 * @returns Samples by row (`qa`, `qg`, `cl`, `dc`, `sf`, `sf2`, `hb`, `rt`, `rt4`, `tm`, `cs`,
 *   `cd`, `ts`, `mp`), each sorted by `ms`.
 */
export function measureCapturedLatencies(): Map<string, LatencySample[]> {
  const rows = new Map<string, LatencySample[]>();
  const add = (key: string, seconds: number, source: string) => {
    rows.set(key, [...(rows.get(key) ?? []), { ms: Math.round(seconds * 1000), source }]);
  };
  for (const [n, file] of CAPTURE_FILES.entries()) {
    const tag = `c${n + 1}#`;
    const { datagrams } = readCapture(readShared(`captures/${file}`));
    const requests: Request[] = [];
    /** The last `dc` ack, and the first `sf` of each round after it. */
    let ack: { time: number; frame: number; rounds: number[] } | null = null;
    for (const d of datagrams) {
      if (d.srcPort === 123 || d.dstPort === 123) continue; // SNTP (docs/protocol.md#device-clock)
      const fromDevice = d.src === DEVICE_IP && d.srcPort === PORT;
      const message = decodeOrNull(d.payload, fromDevice ? "device" : "client");
      if (message === null) continue;
      if (!fromDevice) {
        const command = REQUEST_COMMAND[message.kind];
        if (command === undefined || d.dstPort !== PORT) continue;
        if (!(lan(d.src) || command === "cd")) continue;
        const last = requests.at(-1);
        const copy = last !== undefined && d.time - last.time < ARTEFACT_S &&
          last.from === d.src && last.command === command;
        if (!copy) {
          requests.push({
            time: d.time,
            frame: d.frame,
            command,
            from: d.src,
            message,
            answered: false,
          });
        }
        continue;
      }
      if (message.kind === "stateReport") {
        if (ack === null || d.time - ack.time > 1) continue;
        const previous = ack.rounds.at(-1);
        // A round is the copies to every subscriber a few ms apart; the next comes ~50 ms later.
        if (previous === undefined) {
          ack.rounds.push(d.time);
          add("sf", d.time - ack.time, `${tag}${ack.frame}`);
        } else if (ack.rounds.length === 1 && d.time - previous > 0.025) {
          ack.rounds.push(d.time);
          add("sf2", d.time - previous, `${tag}${ack.frame}`);
        }
        continue;
      }
      const command = message.kind === "discoverReply" ? message.command : REPLY_TO[message.kind];
      if (command === undefined) continue;
      for (let i = requests.length - 1; i >= 0; i--) {
        const r = requests[i]!;
        if (d.time - r.time > WINDOW_S) break;
        if (r.command !== command || r.from !== d.dst) continue;
        // Later discovery copies belong to the same burst; other replies to a retry, if any.
        if (r.answered) {
          if (message.kind === "discoverReply") break;
          continue;
        }
        r.answered = true;
        add(row(r), d.time - r.time, `${tag}${r.frame}`);
        if (command === "dc") ack = { time: d.time, frame: d.frame, rounds: [] };
        break;
      }
    }
  }
  for (const list of rows.values()) list.sort((a, b) => a.ms - b.ms);
  return rows;
}
