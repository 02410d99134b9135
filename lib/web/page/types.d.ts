/**
 * The shapes `app.js` works with, for `deno check` only: the browser never loads this file
 * (`app.js` names it in a `/// <reference path>` comment), so the types cost the page no bytes.
 * They are global, in one namespace, because a script the browser runs as it is cannot import
 * types.
 */
declare namespace WebPage {
  /** A socket the page lists (`/web/sockets`); its MAC is filled in once an answer names it. */
  interface Socket {
    alias: string | null;
    mac: string | null;
    ip: string | null;
    target: string;
  }
  /** What the daemon's handle on a socket knows, sent with every answer about that socket. */
  interface SocketMeta {
    mac: string | null;
    ip: string | null;
    online: boolean | null;
    lastKnownState: boolean | null;
  }
  /** What the page knows of one socket. */
  interface Known {
    on: boolean | null;
    seen: Date | null;
    skew: number | null;
    warnings: Set<string>;
    name: string | null;
  }
  /** A live socket event (`state`, `announce`, `address`, `offline`, `online`, `reboot`). */
  interface SocketEvent {
    type: string;
    mac: string;
    on?: boolean | null;
    ip?: string;
    reason?: string;
  }
  /** A line of the schedule's log. */
  interface ScheduleLine {
    kind: string;
    message: string;
    socket?: string;
  }
  /** One message of the event stream. */
  type StreamItem =
    | { source: "socket"; event: SocketEvent }
    | { source: "schedule"; entry: ScheduleLine }
    | { source: "stream"; dropped: number };
  /** A message of the event stream that the log keeps, and when it came. */
  interface LogEntry {
    at: Date;
    item: Exclude<StreamItem, { source: "stream" }>;
  }
  /** A timer record as the API sends it (the label as hex). */
  interface TimerJson {
    id: number;
    weekly: boolean;
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    days: number;
    on: boolean;
    label: string;
  }
  /** `GET /v1/sockets/{target}/info`. */
  interface InfoAnswer {
    socket: SocketMeta;
    data: { name?: string | null; icon: number };
  }
  /** `GET …/state`, `POST …/power`. */
  interface StateAnswer {
    socket: SocketMeta;
    on: boolean;
  }
  /** `GET …/clock`. */
  interface ClockAnswer {
    socket: SocketMeta;
    clock: { skewMs: number | null };
  }
  /** `GET …/timers`. */
  interface TimersAnswer {
    socket: SocketMeta;
    timers: TimerJson[];
  }
  /** `GET /web/schedule`. */
  interface ScheduleAnswer {
    file: string;
    timezone: string;
    errors: Array<{ line: number; column: number; message: string }>;
    nextEvents: Array<{ local: string; socket: string; action: string; run: string }>;
  }
  /** `GET /web/doctor`: what `s20 doctor` beside the daemon finds, from inside it. */
  interface DoctorAnswer {
    mode: string;
    pid: number;
    udp: { hostname: string; port: number } | null;
    interfaces: Array<{ name: string; address: string; broadcast: string }>;
    /** The named sockets, probed without and with their MAC. */
    known: Array<{
      alias: string;
      ip: string;
      mac: string | null;
      answersGlobal: boolean;
      answersMac: boolean | null;
    }>;
    /** The sockets that answered the daemon's discovery. */
    discovered: Array<{ mac: string; ip: string; port: number }>;
    findings: string[];
  }
  /** An attribute's value for `el` (`on…` attributes take listeners). */
  type AttrValue = string | number | boolean | null | undefined | EventListener;
  /** A child for `el`: a node, or text. */
  type Child = Node | string | number | null | undefined;
}
