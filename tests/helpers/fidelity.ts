/**
 * Fidelity of the emulator against real traffic: the requests recorded in ../shared/captures are
 * replayed, in order and on a VirtualClock that follows the capture timestamps, into an
 * {@linkcode EmulatedDevice} set up like the captured socket (same MAC, table 4, table version,
 * relay state, clock, cloud link). Each request's answers from the emulator are compared with
 * the real socket's answers: same kinds, same destinations, same count class, same field values
 * (clock values and the offset-18 field aside; offset 18 is scored separately).
 *
 * The same attribution rule links answers to requests on both sides, so timing differences do
 * not decide the result: a reply belongs to the earliest unanswered request of the matching
 * command from its destination (within 2 s); discovery copies belong to the latest `qa`/`qg`
 * from their destination; `sf` belongs to the latest `dc` (within 1 s).
 */
import { VirtualClock } from "../../lib/time/mod.ts";
import { decode, type Message, NTP_UNIX_OFFSET_SECONDS, toHex } from "../../mod.ts";
import { EmulatedDevice } from "../../lib/emulator/mod.ts";
import type { NetAddress } from "../../lib/transport/mod.ts";
import { type CapturedDatagram, readCapture } from "./pcap.ts";
import { readShared } from "./shared.ts";

/** The four captures of ../shared/captures (captures/README.md). */
export const CAPTURE_FILES: readonly string[] = [
  "orvibo_s20_capture_1.pcapng",
  "orvibo_s20_capture_2_no_internet_access_on_wifi_network.pcapng",
  "orvibo_s20_capture_3_control_by_gateway_outside_of_local_lan.pcapng",
  "orvibo_s20_capture_4.pcapng.pcap",
];

const DEVICE_IP = "10.0.0.243";
const CLOUD_IP = "52.28.25.255";
const MAC = "ac:cf:23:35:e6:aa";
const PORT = 10000;
const START_MS = Date.UTC(2016, 0, 1);
/**
 * Two copies of one broadcast this close together are a capture artefact
 * (docs/protocol.md#loss-and-duplicates).
 */
const ARTEFACT_S = 0.002;
const REPLY_WINDOW_S = 2;
const PUSH_WINDOW_S = 1;

/** Rows of the report, in this order. */
export const COMMANDS = [
  "qa",
  "qg",
  "cl",
  "dc",
  "sf",
  "hb",
  "rt",
  "tm",
  "cs",
  "cd",
  "ts",
  "mp",
  "lt",
];

/** One row of the fidelity table. */
export interface FidelityRow {
  /** Command (`sf`: the pushes that follow a `dc`). */
  readonly command: string;
  /** Exchanges compared. */
  readonly compared: number;
  /** Exchanges whose kinds, destinations, counts and fields match. */
  readonly matched: number;
  /** Of the matched ones, those whose offset-18 field matches too. */
  readonly offset18: number;
  /** Exchanges left out, with the reason listed in `exclusions`. */
  readonly excluded: number;
}

/** One exchange that differs, or that was left out. */
export interface FidelityNote {
  readonly capture: number;
  readonly frame: number;
  readonly time: number;
  readonly command: string;
  readonly detail: string;
}

/** The whole comparison. */
export interface FidelityReport {
  readonly rows: readonly FidelityRow[];
  readonly mismatches: readonly FidelityNote[];
  readonly exclusions: readonly FidelityNote[];
}

interface Packet {
  readonly frame: number;
  readonly time: number;
  readonly from: NetAddress;
  readonly to: NetAddress;
  readonly data: Uint8Array;
  readonly message: Message;
}

/** The command of each request kind. */
export const REQUEST_COMMAND: Partial<Record<Message["kind"], string>> = {
  discover: "qa",
  discoverMac: "qg",
  subscribe: "cl",
  setPower: "dc",
  heartbeat: "hb",
  readTable: "rt",
  writeTimer: "tm",
  writeSocketData: "tm",
  writeRawRecord: "tm",
  deleteRecord: "tm",
  setClock: "cs",
  countdown: "cd",
  setTimeZone: "ts",
  changePassword: "mp",
  logout: "lt",
};

/** Which request command each single reply answers. */
export const REPLY_TO: Partial<Record<Message["kind"], string>> = {
  subscribeReply: "cl",
  setPowerReply: "dc",
  heartbeatReply: "hb",
  tableVersions: "rt",
  timerTable: "rt",
  socketData: "rt",
  rawTable: "rt",
  writeTableReply: "tm",
  setClockReply: "cs",
  countdownReply: "cd",
  setTimeZoneReply: "ts",
  changePassword: "mp", // the socket's relay of an mp to the cloud
  changePasswordReply: "mp",
};

function isBroadcast(ip: string): boolean {
  return ip === "255.255.255.255" || ip.endsWith(".255");
}

/** The message, or `null` for a datagram that does not decode. */
export function decodeOrNull(data: Uint8Array, from: "device" | "client"): Message | null {
  try {
    return decode(data, { from });
  } catch {
    return null;
  }
}

/** What the socket sends on its own: announcements and its cloud and SNTP traffic. */
function deviceInitiated(p: Packet): boolean {
  const kind = p.message.kind;
  if (kind === "discoverReply" && isBroadcast(p.to.hostname)) return true;
  return kind === "cloudLogin" || kind === "heartbeat" || kind === "dstRuleRequest";
}

function packets(datagrams: readonly CapturedDatagram[], fromDevice: boolean): Packet[] {
  const out: Packet[] = [];
  for (const d of datagrams) {
    if (d.srcPort === 123 || d.dstPort === 123) continue; // SNTP (docs/protocol.md#device-clock)
    if (fromDevice ? d.src !== DEVICE_IP || d.srcPort !== PORT : d.src === DEVICE_IP) continue;
    if (!fromDevice && (d.dstPort !== PORT || (d.dst !== DEVICE_IP && !isBroadcast(d.dst)))) {
      continue;
    }
    const message = decodeOrNull(d.payload, fromDevice ? "device" : "client");
    if (message === null) continue;
    out.push({
      frame: d.frame,
      time: d.time,
      from: { hostname: d.src, port: d.srcPort },
      to: { hostname: d.dst, port: d.dstPort },
      data: d.payload,
      message,
    });
  }
  return out;
}

/**
 * Drops the second copy of a broadcast the capture recorded twice
 * (docs/protocol.md#loss-and-duplicates).
 */
function withoutArtefacts(requests: Packet[]): { kept: Packet[]; artefacts: number } {
  const kept: Packet[] = [];
  let artefacts = 0;
  for (const r of requests) {
    const last = kept.at(-1);
    if (
      last !== undefined && isBroadcast(r.to.hostname) && r.time - last.time < ARTEFACT_S &&
      last.from.hostname === r.from.hostname && toHex(last.data) === toHex(r.data)
    ) {
      artefacts++;
      continue;
    }
    kept.push(r);
  }
  return { kept, artefacts };
}

/** Links each answer to the request it answers (see the module comment). */
function attribute(requests: readonly Packet[], outputs: readonly Packet[]): Packet[][] {
  const answers = requests.map((): Packet[] => []);
  const filled = requests.map(() => new Set<string>());
  for (const o of outputs) {
    const kind = o.message.kind;
    let index = -1;
    if (kind === "discoverReply") {
      const wanted = o.message.command === "qa" ? "discover" : "discoverMac";
      for (let i = requests.length - 1; i >= 0; i--) {
        const r = requests[i]!;
        if (r.time > o.time) continue;
        if (o.time - r.time > REPLY_WINDOW_S) break;
        if (r.message.kind === wanted && r.from.hostname === o.to.hostname) {
          index = i;
          break;
        }
      }
    } else if (kind === "stateReport") {
      for (let i = requests.length - 1; i >= 0; i--) {
        const r = requests[i]!;
        if (r.time > o.time) continue;
        if (o.time - r.time > PUSH_WINDOW_S) break;
        if (r.message.kind === "setPower") {
          index = i;
          break;
        }
      }
    } else {
      const command = REPLY_TO[kind];
      if (command === undefined) continue;
      // The latest request still waiting: a retry is answered, its dropped first try is not.
      for (let i = requests.length - 1; i >= 0; i--) {
        const r = requests[i]!;
        if (r.time > o.time) continue;
        if (o.time - r.time > REPLY_WINDOW_S) break;
        if (filled[i]!.has(kind) || REQUEST_COMMAND[r.message.kind] !== command) continue;
        // The relayed mp goes to the cloud; every other reply goes back to the requester.
        if (kind !== "changePassword" && r.from.hostname !== o.to.hostname) continue;
        index = i;
        break;
      }
      if (index >= 0) filled[index]!.add(kind);
    }
    if (index >= 0) answers[index]!.push(o);
  }
  return answers;
}

/** A message without the fields the comparison sets aside. */
function normalized(message: Message): string {
  const copy: Record<string, unknown> = { ...message };
  delete copy.session;
  delete copy.clock;
  return JSON.stringify(copy, (_key, value) => value instanceof Uint8Array ? toHex(value) : value);
}

interface Group {
  readonly key: string;
  readonly count: number;
  readonly values: readonly string[];
  readonly sessions: readonly number[];
}

function groups(answers: readonly Packet[]): Map<string, Group> {
  const map = new Map<string, Packet[]>();
  for (const a of answers) {
    const key = `${a.message.kind} → ${a.to.hostname}:${a.to.port}`;
    map.set(key, [...(map.get(key) ?? []), a]);
  }
  const out = new Map<string, Group>();
  for (const [key, list] of map) {
    out.set(key, {
      key,
      count: list.length,
      values: [...new Set(list.map((p) => normalized(p.message)))],
      sessions: [...new Set(list.map((p) => "session" in p.message ? p.message.session : -1))],
    });
  }
  return out;
}

/** About ten discovery copies count as one class; everything else must match exactly. */
function countClass(kind: string, count: number): string {
  if (kind.startsWith("discoverReply") && count >= 8 && count <= 12) return "~10";
  return String(count);
}

function describe(list: Map<string, Group>): string {
  if (list.size === 0) return "no answer";
  return [...list.values()].map((g) => `${g.count}× ${g.key}`).join(", ");
}

/** Compares two sets of answers: `null` when they match, else why not. */
function compare(
  real: Map<string, Group>,
  emulated: Map<string, Group>,
): { detail: string | null; offset18: boolean } {
  const keys = new Set([...real.keys(), ...emulated.keys()]);
  let offset18 = true;
  for (const key of keys) {
    const r = real.get(key);
    const e = emulated.get(key);
    if (r === undefined || e === undefined) {
      return { detail: `real: ${describe(real)}; emulator: ${describe(emulated)}`, offset18 };
    }
    if (countClass(key, r.count) !== countClass(key, e.count)) {
      return { detail: `${key}: real ${r.count} copies, emulator ${e.count}`, offset18 };
    }
    if (r.values.join("|") !== e.values.join("|")) {
      return {
        detail: `${key}: real ${r.values.join(" / ")}; emulator ${e.values.join(" / ")}`,
        offset18,
      };
    }
    if (r.sessions.join() !== e.sessions.join()) offset18 = false;
  }
  return { detail: null, offset18 };
}

interface StartState {
  socketData: Extract<Message, { kind: "socketData" }>["data"];
  socketDataVersion: number;
  on: boolean;
  time: Date | "zero";
  cloud: NetAddress | null;
}

/** The captured socket's state at the start of the capture, from its own first answers. */
function startState(
  requests: readonly Packet[],
  replies: readonly Packet[],
  all: readonly Packet[],
): StartState {
  const table4 = replies.find((p) => p.message.kind === "socketData");
  const versions = replies.find((p) => p.message.kind === "tableVersions");
  if (table4?.message.kind !== "socketData" || versions?.message.kind !== "tableVersions") {
    throw new Error("the capture has no table-4 or table-1 reply");
  }
  // Writes acknowledged before the first table-1 reply were already counted in its version.
  const writes = replies.filter((p) =>
    p.time < versions.time &&
    (p.message.kind === "writeTableReply" || p.message.kind === "setTimeZoneReply" ||
      p.message.kind === "changePasswordReply")
  ).length;
  const version = versions.message.versions.find((v) => v.table === 4)!.version - writes;
  const state = all.find((p) =>
    p.message.kind === "discoverReply" || p.message.kind === "subscribeReply" ||
    p.message.kind === "stateReport"
  );
  const on = state !== undefined && "on" in state.message && state.message.on === true;
  const clocked = all.find((p) => p.message.kind === "discoverReply");
  let time: Date | "zero" = new Date(START_MS);
  if (clocked?.message.kind === "discoverReply") {
    const raw = clocked.message.clock;
    time = raw === 0
      ? "zero"
      : new Date((raw - NTP_UNIX_OFFSET_SECONDS) * 1000 - Math.round(clocked.time * 1000));
  }
  const cloud = requests.some((r) => r.from.hostname === CLOUD_IP)
    ? { hostname: CLOUD_IP, port: PORT }
    : null;
  return { socketData: table4.message.data, socketDataVersion: version, on, time, cloud };
}

/** The real socket's latency to its first discovery copy, replayed as network timing. */
function discoveryLatency(request: Packet, replies: readonly Packet[]): number | undefined {
  const command = request.message.kind === "discover" ? "qa" : "qg";
  const first = replies.find((p) =>
    p.time >= request.time && p.time - request.time < 1 && p.message.kind === "discoverReply" &&
    p.message.command === command && p.to.hostname === request.from.hostname
  );
  return first === undefined ? undefined : Math.round((first.time - request.time) * 1000);
}

async function replay(
  requests: readonly Packet[],
  realReplies: readonly Packet[],
  state: StartState,
): Promise<Packet[]> {
  const clock = new VirtualClock({ start: START_MS });
  const outputs: Packet[] = [];
  let now = 0;
  let current: Packet | null = null;
  const device = new EmulatedDevice({
    mac: MAC,
    socketData: state.socketData,
    socketDataVersion: state.socketDataVersion,
    on: state.on,
    time: state.time === "zero" ? "zero" : state.time.getTime() - 0,
    cloud: state.cloud,
    clock,
    replyTo: "port10000",
    // Fixed, short delays: the comparison is about what is answered, and drawn delays of up to
    // 300 ms would let a reply overtake the capture's next request and blur the attribution.
    replyDelayMs: 5,
    pushDelayMs: 5,
    pushRepeatMs: 50,
    networkNow: () => now * 1000,
    output: (d) =>
      outputs.push({
        frame: current?.frame ?? 0,
        time: now + d.delayMs / 1000,
        from: { hostname: DEVICE_IP, port: PORT },
        to: d.to,
        data: d.data,
        message: d.message,
      }),
  });
  try {
    for (const request of requests) {
      await clock.advance(START_MS + Math.round(request.time * 1000) - clock.now());
      now = request.time;
      current = request;
      const kind = request.message.kind;
      const latency = kind === "discover" || kind === "discoverMac"
        ? discoveryLatency(request, realReplies)
        : undefined;
      device.receive(
        request.data,
        request.from,
        latency === undefined ? {} : { replyDelayMs: latency },
      );
    }
  } finally {
    device.close();
    clock.dispose();
  }
  return outputs.sort((a, b) => a.time - b.time);
}

/**
 * Replays every capture and compares; reads ../shared (the caller checks it is there).
 *
 * @returns Per-command rows, the exchanges that differ, and those left out.
 */
export async function measureFidelity(): Promise<FidelityReport> {
  const counts = new Map(
    COMMANDS.map((c) => [c, { compared: 0, matched: 0, offset18: 0, excluded: 0 }]),
  );
  const mismatches: FidelityNote[] = [];
  const exclusions: FidelityNote[] = [];
  for (const [n, file] of CAPTURE_FILES.entries()) {
    const capture = n + 1;
    const note = (request: Packet, command: string, detail: string): FidelityNote => ({
      capture,
      frame: request.frame,
      time: Math.round(request.time * 1000) / 1000,
      command,
      detail,
    });
    const { datagrams } = readCapture(readShared(`captures/${file}`));
    const fromDevice = packets(datagrams, true);
    const { kept: requests } = withoutArtefacts(packets(datagrams, false));
    const realReplies = fromDevice.filter((p) => !deviceInitiated(p));
    const state = startState(requests, realReplies, fromDevice);
    const firstPass = attribute(requests, realReplies);
    const lost = new Set(
      requests.filter((r, i) =>
        (r.message.kind === "discover" || r.message.kind === "discoverMac") &&
        isBroadcast(r.to.hostname) && firstPass[i]!.length === 0
      ),
    );
    for (const r of lost) {
      const command = REQUEST_COMMAND[r.message.kind]!;
      counts.get(command)!.excluded++;
      exclusions.push(
        note(
          r,
          command,
          "a broadcast the real socket never answered: lost on the air (docs/protocol.md#loss-and-duplicates)",
        ),
      );
    }
    const delivered = requests.filter((r) => !lost.has(r));
    const emulated = await replay(delivered, realReplies, state);
    const realAnswers = attribute(delivered, realReplies);
    const emulatedAnswers = attribute(delivered, emulated);
    for (const [i, request] of delivered.entries()) {
      const command = REQUEST_COMMAND[request.message.kind];
      if (command === undefined) continue; // the cloud's answers to the socket's own requests
      const parts: [string, (p: Packet) => boolean][] = command === "dc"
        ? [["dc", (p) => p.message.kind !== "stateReport"], [
          "sf",
          (p) => p.message.kind === "stateReport",
        ]]
        : [[command, () => true]];
      for (const [row, pick] of parts) {
        const real = realAnswers[i]!.filter(pick);
        const emu = emulatedAnswers[i]!.filter(pick);
        if (row === "sf" && real.length === 0 && emu.length === 0) continue;
        const result = compare(groups(real), groups(emu));
        const c = counts.get(row)!;
        c.compared++;
        if (result.detail !== null) mismatches.push(note(request, row, result.detail));
        else {
          c.matched++;
          if (result.offset18) c.offset18++;
          else {mismatches.push(
              note(request, `${row} (offset 18 only)`, "the offset-18 field differs"),
            );}
        }
      }
    }
  }
  const rows = COMMANDS.map((command) => ({ command, ...counts.get(command)! }))
    .filter((r) => r.compared + r.excluded > 0);
  return { rows, mismatches, exclusions };
}
