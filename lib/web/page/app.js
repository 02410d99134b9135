// @ts-check
/// <reference path="./types.d.ts" />
// The web page's script, run by the browser as it is: no build step, so the bytes served are
// the bytes checked. `deno task check` checks it (JSDoc here, shapes in types.d.ts) against the
// DOM's types and not Deno's: lib/web/page/deno.json says so, a workspace member so that the DOM
// lib stays out of the rest of the project. lib/web/page_script.ts holds this text as a string
// (`deno run -A scripts/gen_page_script.ts`; a test fails while they differ): the daemon reads no
// file at run time, which works the same from a checkout, a `deno compile` binary or a URL.
// Every element is built with `textContent`, never HTML from data; calls go to the daemon's `/v1`
// API with the session's CSRF token; the event stream (SSE) shows a socket switched anywhere
// within the second.

/**
 * An element the page's HTML always has.
 * @template {Element} T
 * @param {string} selector
 * @param {new () => T} type
 * @returns {T}
 */
function must(selector, type) {
  const found = document.querySelector(selector);
  if (!(found instanceof type)) throw new Error("The page has no " + selector);
  return found;
}

const csrf = must('meta[name="s20-csrf"]', HTMLMetaElement).content;
const mode = must('meta[name="s20-mode"]', HTMLMetaElement).content;
const main = must("#main", HTMLElement);
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/** Known sockets, from /web/sockets. @type {WebPage.Socket[]} */
let sockets = [];
/** What the page knows of each socket, by MAC (and by target until the MAC is known). @type {Map<string, WebPage.Known>} */
const known = new Map();
/** The last events, newest last. @type {WebPage.LogEntry[]} */
const log = [];
/** @type {Set<(item: WebPage.StreamItem) => void>} */
const listeners = new Set();

/** An error's message. @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An element with its attributes (`on…` ones are listeners) and children (text as text nodes).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, WebPage.AttrValue>} attrs
 * @param {...(WebPage.Child | WebPage.Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) {
      node.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Calls the daemon with the session's CSRF token; the answer's JSON, or an error with its message.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { "x-csrf-token": csrf };
  /** @type {RequestInit} */
  const init = { method, headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(json?.error?.message ?? response.status + " " + response.statusText);
  }
  if (json?.socket) remember(json.socket);
  return json;
}

/** @param {string} target @param {string} what */
const sock = (target, what) => "/v1/sockets/" + encodeURIComponent(target) + "/" + what;

/** @param {string} key @returns {WebPage.Known} */
function entryFor(key) {
  let entry = known.get(key);
  if (!entry) {
    entry = { on: null, seen: null, skew: null, warnings: new Set(), name: null };
    known.set(key, entry);
  }
  return entry;
}

/** What an API answer says of its socket: its MAC, state, and that it was seen now. @param {WebPage.SocketMeta} meta */
function remember(meta) {
  if (!meta.mac) return;
  const entry = entryFor(meta.mac);
  if (meta.lastKnownState !== null) entry.on = meta.lastKnownState;
  if (meta.online) entry.seen = new Date();
  const s = sockets.find((x) =>
    x.mac === meta.mac ||
    (!x.mac && x.ip && meta.ip && x.ip.split(":")[0] === meta.ip)
  );
  if (s && !s.mac) s.mac = meta.mac;
}

/** @param {Date | null} date */
function time(date) {
  return date ? date.toLocaleTimeString([], { hour12: false }) : "—";
}

/** Updates every shown cell of a socket. @param {string} mac */
function show(mac) {
  const entry = known.get(mac);
  if (!entry) return;
  for (const cell of document.querySelectorAll('[data-mac="' + mac + '"] [data-field]')) {
    if (!(cell instanceof HTMLElement)) continue;
    const field = cell.dataset.field;
    if (field === "state") {
      cell.textContent = entry.on === null ? "?" : entry.on ? "on" : "off";
      cell.className = entry.on === null ? "" : entry.on ? "state-on" : "state-off";
    } else if (field === "seen") cell.textContent = time(entry.seen);
    else if (field === "skew") {
      cell.textContent = entry.skew === null ? "—" : (entry.skew / 1000).toFixed(1) + " s";
    } else if (field === "warnings") cell.textContent = [...entry.warnings].join("; ");
    else if (field === "name" && entry.name !== null) cell.textContent = entry.name || "(no name)";
  }
}

function openStream() {
  const keep = sockets.map((s) => s.target).join(",");
  const sources = mode === "schedule" ? "socket,schedule" : "socket";
  const url = "/v1/events?format=sse&source=" + sources +
    (keep ? "&keepalive=" + encodeURIComponent(keep) : "");
  const stream = new EventSource(url);
  stream.onmessage = (message) => {
    /** @type {WebPage.StreamItem} */
    const item = JSON.parse(message.data);
    if (item.source === "socket") {
      const e = item.event;
      const entry = entryFor(e.mac);
      entry.seen = new Date();
      if (e.type === "state") entry.on = e.on ?? null;
      if (e.type === "announce" && e.on !== null && e.on !== undefined) entry.on = e.on;
      if (e.type === "offline") entry.warnings.add("offline: " + e.reason);
      if (e.type === "online") {
        for (const w of [...entry.warnings]) if (w.startsWith("offline")) entry.warnings.delete(w);
      }
      show(e.mac);
    }
    if (item.source !== "stream") {
      log.push({ at: new Date(), item });
      if (log.length > 500) log.shift();
    }
    for (const listener of listeners) listener(item);
  };
}

/** @param {string} mac */
function aliasOf(mac) {
  const s = sockets.find((x) => x.mac === mac);
  return s ? (s.alias ?? s.ip ?? mac) : mac;
}

/** @param {WebPage.LogEntry["item"]} item */
function describe(item) {
  if (item.source === "schedule") {
    const e = item.entry;
    return (e.socket ? e.socket + ": " : "") + e.kind + " — " + e.message;
  }
  const e = item.event;
  const what = e.type === "state"
    ? (e.on ? "switched on" : "switched off")
    : e.type === "announce"
    ? "announced itself at " + e.ip
    : e.type === "address"
    ? "moved to " + e.ip
    : e.type + (e.reason ? ": " + e.reason : "");
  return aliasOf(e.mac) + " (" + e.mac + ") " + what;
}

/** @param {WebPage.LogEntry} entry */
function logLine(entry) {
  return el("li", {}, time(entry.at) + "  " + describe(entry.item));
}

/**
 * Switches a socket and shows the state the socket confirmed.
 * @param {WebPage.Socket} s
 * @param {boolean} on
 * @param {HTMLElement} status
 */
async function power(s, on, status) {
  status.textContent = "switching " + (on ? "on" : "off") + "…";
  try {
    /** @type {WebPage.StateAnswer} */
    const answer = await api("POST", sock(s.target, "power"), { on });
    const mac = answer.socket.mac;
    if (mac) {
      const entry = entryFor(mac);
      entry.on = answer.on;
      entry.seen = new Date();
    }
    status.textContent = "";
    if (mac) show(mac);
  } catch (error) {
    status.textContent = messageOf(error);
  }
}

// ── Pages ────────────────────────────────────────────────────────────────────────────────

function socketsPage() {
  const rows = sockets.map((s) => {
    const label = s.alias ?? s.ip ?? s.mac;
    const status = el("span", { class: "warn", role: "status" });
    const row = el(
      "tr",
      { "data-target": s.target, "data-alias": s.alias, "data-mac": s.mac ?? "" },
      el(
        "td",
        { "data-label": "Name" },
        el("a", { href: "#/socket/" + encodeURIComponent(s.target), "data-field": "name" }, label),
      ),
      el("td", { "data-label": "Alias" }, s.alias ?? "—"),
      el(
        "td",
        { "data-label": "State" },
        el("span", { "data-field": "state", "aria-live": "polite" }, "?"),
      ),
      el("td", { "data-label": "Last seen" }, el("span", { "data-field": "seen" }, "—")),
      el("td", { "data-label": "Clock skew" }, el("span", { "data-field": "skew" }, "—")),
      el(
        "td",
        { "data-label": "Warnings" },
        el("span", { "data-field": "warnings", class: "warn" }),
        status,
      ),
      el(
        "td",
        {},
        el("button", {
          type: "button",
          "aria-label": "Switch " + label + " on",
          onclick: () => power(s, true, status),
        }, "On"),
        " ",
        el("button", {
          type: "button",
          "aria-label": "Switch " + label + " off",
          onclick: () => power(s, false, status),
        }, "Off"),
      ),
    );
    return { s, row };
  });
  main.replaceChildren(
    el("h1", {}, "Sockets"),
    sockets.length === 0
      ? el("p", { class: "muted" }, "No sockets known yet: name them in your config or schedule.")
      : el(
        "table",
        { class: "sockets" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Name", "Alias", "State", "Last seen", "Clock skew", "Warnings", "Switch"].map((h) =>
              el("th", { scope: "col" }, h)
            ),
          ),
        ),
        el("tbody", {}, rows.map((r) => r.row)),
      ),
  );
  for (const { s, row } of rows) void refresh(s, row);
}

/**
 * Reads a socket's name, state and clock into its row.
 * @param {WebPage.Socket} s
 * @param {HTMLElement} row
 */
async function refresh(s, row) {
  try {
    /** @type {WebPage.InfoAnswer} */
    const info = await api("GET", sock(s.target, "info"));
    const mac = info.socket.mac;
    if (!mac) throw new Error("The daemon did not say the socket's MAC");
    row.dataset.mac = mac;
    const entry = entryFor(mac);
    entry.name = info.data.name ?? "";
    entry.on = info.socket.lastKnownState ?? entry.on;
    entry.seen = new Date();
    show(mac);
    /** @type {WebPage.StateAnswer} */
    const state = await api("GET", sock(s.target, "state"));
    entry.on = state.on;
    show(mac);
    /** @type {WebPage.ClockAnswer} */
    const clock = await api("GET", sock(s.target, "clock"));
    entry.skew = clock.clock.skewMs;
    entry.warnings.delete("clock unset");
    for (const w of [...entry.warnings]) if (w.startsWith("clock off")) entry.warnings.delete(w);
    if (clock.clock.skewMs === null) entry.warnings.add("clock unset");
    else if (Math.abs(clock.clock.skewMs) > 60000) {
      entry.warnings.add("clock off by " + Math.round(clock.clock.skewMs / 1000) + " s");
    }
    show(mac);
  } catch (error) {
    const warnings = row.querySelector('[data-field="warnings"]');
    if (warnings) warnings.textContent = messageOf(error);
  }
}

/** @param {string} id @param {string} text @param {HTMLElement} input */
function field(id, text, input) {
  input.id = id;
  return [el("label", { for: id }, text), input];
}

/**
 * A one-line form: its inputs, a button, and a status that says how it went.
 * @param {string} title
 * @param {Node[]} inputs
 * @param {() => Promise<string | void>} run
 */
function action(title, inputs, run) {
  const status = el("span", { role: "status", class: "muted" });
  const form = el(
    "form",
    { class: "row", "aria-label": title },
    inputs,
    el("button", { type: "submit" }, title),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "…";
    try {
      status.textContent = (await run()) ?? "done";
    } catch (error) {
      status.textContent = messageOf(error);
      status.className = "warn";
    }
  });
  return form;
}

/** @param {string} hex */
function hexText(hex) {
  let text = "";
  for (let i = 0; i + 1 < hex.length; i += 2) {
    text += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  }
  return text;
}

/** @param {WebPage.TimerJson} t */
function timerWhen(t) {
  const hms = [t.hour, t.minute, t.second].map((n) => String(n).padStart(2, "0")).join(":");
  if (!t.weekly) {
    return t.year + "-" + String(t.month).padStart(2, "0") + "-" + String(t.day).padStart(2, "0") +
      " " + hms;
  }
  const days = DAYS.filter((_, i) => t.days & (1 << i));
  return hms + " " + (days.length === 7 ? "every day" : days.join(","));
}

/** @param {string} target */
async function socketPage(target) {
  /** @type {WebPage.Socket} */
  const s = sockets.find((x) => x.target === target) ??
    { target, alias: null, ip: null, mac: null };
  const label = s.alias ?? s.ip ?? s.mac ?? target;
  /** @param {string} what */
  const t = (what) => sock(target, what);
  const name = el("input", { type: "text", maxlength: 16, autocomplete: "off" });
  const icon = el("input", { type: "number", min: 0, max: 7, value: 0 });
  const zone = el("input", { type: "text", placeholder: "Europe/London" });
  const seconds = el("input", { type: "number", min: 1, value: 600 });
  const after = el(
    "select",
    { "aria-label": "What the countdown does when it ends" },
    el("option", { value: "off" }, "then off"),
    el("option", { value: "on" }, "then on"),
  );
  const autoOff = el("input", { type: "number", min: 0, placeholder: "seconds, 0 = never" });
  const timers = el(
    "tbody",
    {},
    el("tr", {}, el("td", { colspan: 4, class: "muted" }, "Reading…")),
  );
  const events = el("ul", { class: "log", "aria-live": "polite" });
  const state = el(
    "span",
    { "data-mac": s.mac ?? "" },
    "state ",
    el("span", { "data-field": "state" }, "?"),
  );
  main.replaceChildren(
    el("h1", {}, label),
    el("p", { class: "muted" }, target, " · ", state),
    el("h2", {}, "Settings"),
    action("Rename", field("s-name", "Name stored in the socket", name), async () => {
      await api("POST", t("rename"), { name: name.value });
      return "renamed";
    }),
    action("Set icon", field("s-icon", "Icon (0–7)", icon), async () => {
      await api("POST", t("icon"), { icon: Number(icon.value) });
    }),
    action("Set time zone", field("s-zone", "Time zone (IANA)", zone), async () => {
      await api("POST", t("timezone"), { zone: zone.value });
    }),
    action(
      "Start countdown",
      [...field("s-countdown", "Countdown (seconds)", seconds), after],
      async () => {
        await api("POST", t("countdown"), { seconds: Number(seconds.value), action: after.value });
      },
    ),
    action("Cancel countdown", [], async () => void await api("DELETE", t("countdown"))),
    action("Set auto-off", field("s-autooff", "Auto-off after (seconds)", autoOff), async () => {
      const n = Number(autoOff.value);
      await api("POST", t("autooff"), { seconds: n > 0 ? n : null });
    }),
    action("Lock", [], async () => void await api("POST", t("lock"))),
    action("Unlock", [], async () => void await api("POST", t("unlock"))),
    el("h2", {}, "Timers"),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el("tr", {}, ["#", "When", "Action", "Owner"].map((h) => el("th", { scope: "col" }, h))),
      ),
      timers,
    ),
    el("h2", {}, "Recent events"),
    events,
  );
  const render = () => {
    const mac = s.mac;
    const mine = log.filter((e) =>
      e.item.source === "socket" ? e.item.event.mac === mac : e.item.entry.socket === s.alias
    );
    events.replaceChildren(
      ...(mine.length
        ? mine.slice(-50).map(logLine)
        : [el("li", { class: "muted" }, "No events since the page opened.")]),
    );
  };
  render();
  listeners.clear();
  listeners.add(render);
  try {
    /** @type {WebPage.InfoAnswer} */
    const info = await api("GET", t("info"));
    const mac = info.socket.mac;
    s.mac = mac;
    // This page's own state line: by the time the answer comes the page shown may be another.
    state.dataset.mac = mac ?? "";
    if (mac) {
      entryFor(mac).on = info.socket.lastKnownState;
      show(mac);
    }
    name.value = info.data.name ?? "";
    icon.value = String(info.data.icon);
    /** @type {WebPage.TimerJson[]} */
    const list = (/** @type {WebPage.TimersAnswer} */ (await api("GET", t("timers")))).timers;
    timers.replaceChildren(
      ...(list.length === 0
        ? [el("tr", {}, el("td", { colspan: 4, class: "muted" }, "No timers."))]
        : list.map((r) => {
          const label = hexText(r.label).trim();
          const owned = label.startsWith("s20:");
          return el(
            "tr",
            { class: owned ? "owned-row" : "" },
            el("td", {}, r.id),
            el("td", {}, timerWhen(r)),
            el("td", {}, r.on ? "on" : "off"),
            el(
              "td",
              { class: owned ? "owned" : "muted" },
              owned ? "schedule (rule " + label.slice(4) + ")" : "not the schedule's",
            ),
          );
        })),
    );
    render();
  } catch (error) {
    timers.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "warn" }, messageOf(error))));
  }
}

async function schedulePage() {
  if (mode !== "schedule") {
    main.replaceChildren(
      el("h1", {}, "Schedule"),
      el(
        "p",
        { class: "muted" },
        "This daemon runs no schedule ('s20 serve'). Run 's20 schedule run FILE' for one.",
      ),
    );
    return;
  }
  const picture = el("div", {
    class: "picture",
    role: "figure",
    "aria-label": "The week as a picture",
  }, "Drawing…");
  const errors = el("div", { "aria-live": "polite" });
  const status = el("span", { role: "status", class: "muted" });
  const reload = el("button", { type: "button" }, "Reload the schedule file");
  const next = el("ul", { class: "log" });
  main.replaceChildren(
    el("h1", {}, "Schedule"),
    errors,
    el("p", {}, reload, " ", status),
    picture,
    el("h2", {}, "Next events"),
    next,
  );
  const draw = async () => {
    /** @type {WebPage.ScheduleAnswer} */
    const info = await api("GET", "/web/schedule");
    if (info.errors.length > 0) {
      errors.replaceChildren(
        el(
          "h2",
          { class: "error" },
          info.file + " has errors; the schedule loaded before keeps running",
        ),
        el(
          "ul",
          { class: "errors" },
          info.errors.map((e) =>
            el(
              "li",
              { class: "error" },
              "line " + e.line + ", column " + e.column + ": " + e.message,
            )
          ),
        ),
      );
    } else {errors.replaceChildren(
        el("p", { class: "muted" }, info.file + " (" + info.timezone + ")"),
      );}
    next.replaceChildren(
      ...info.nextEvents.map((e) =>
        el(
          "li",
          {},
          e.local.replace("T", " ").slice(0, 16) + "  " + e.socket + " " + e.action + " (" +
            (e.run === "device" ? "socket" : "host") + ")",
        )
      ),
    );
    const response = await fetch("/web/plan.svg?days=7");
    const text = await response.text();
    if (!response.ok) throw new Error(text);
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    picture.replaceChildren(document.importNode(svg, true));
  };
  reload.addEventListener("click", async () => {
    status.textContent = "reloading…";
    try {
      await api("POST", "/v1/schedule/reload");
      status.textContent = "reloaded";
    } catch (error) {
      status.textContent = messageOf(error);
    }
    await draw().catch((error) => (status.textContent = messageOf(error)));
  });
  await draw().catch((error) => (picture.textContent = messageOf(error)));
}

function eventsPage() {
  const filter = el(
    "select",
    { id: "filter" },
    el("option", { value: "" }, "every socket"),
    sockets.map((s) => el("option", { value: s.mac ?? s.alias ?? "" }, s.alias ?? s.ip ?? s.mac)),
  );
  const list = el("ul", { class: "log", "aria-live": "polite" });
  const render = () => {
    const want = filter.value;
    const alias = sockets.find((s) => (s.mac ?? s.alias) === want)?.alias;
    const shown = log.filter((e) =>
      !want ||
      (e.item.source === "socket" ? e.item.event.mac === want : e.item.entry.socket === alias)
    );
    list.replaceChildren(
      ...(shown.length
        ? shown.slice(-200).reverse().map(logLine)
        : [el("li", { class: "muted" }, "Waiting for events…")]),
    );
  };
  filter.addEventListener("change", render);
  main.replaceChildren(
    el("h1", {}, "Events"),
    el("label", { for: "filter" }, "Show"),
    filter,
    list,
  );
  listeners.clear();
  listeners.add(render);
  render();
}

async function doctorPage() {
  main.replaceChildren(el("h1", {}, "Doctor"), el("p", { class: "muted" }, "Asking the sockets…"));
  try {
    /** @type {WebPage.DoctorAnswer} */
    const d = await api("GET", "/web/doctor");
    main.replaceChildren(
      el("h1", {}, "Doctor"),
      el("h2", {}, "Findings"),
      el("ul", { class: "findings" }, d.findings.map((f) => el("li", {}, f))),
      el("h2", {}, "Named sockets"),
      d.known.length
        ? el(
          "table",
          { class: "known" },
          el(
            "tbody",
            {},
            d.known.map((p) =>
              el(
                "tr",
                {},
                el("td", {}, p.alias),
                el("td", {}, p.ip),
                el(
                  "td",
                  { class: p.answersGlobal ? "state-on" : "warn" },
                  p.answersGlobal ? "answers" : "no answer",
                ),
                el(
                  "td",
                  {},
                  p.answersMac === null
                    ? ""
                    : "by MAC: " + (p.answersMac ? "answers" : "no answer"),
                ),
              )
            ),
          ),
        )
        : el("p", { class: "muted" }, "No socket named with an address."),
      el("h2", {}, "Discovery"),
      d.discovered.length
        ? el(
          "table",
          { class: "discovered" },
          el(
            "tbody",
            {},
            d.discovered.map((s) =>
              el(
                "tr",
                {},
                el("td", {}, s.mac),
                el("td", {}, s.port === 10000 ? s.ip : s.ip + ":" + s.port),
              )
            ),
          ),
        )
        : el("p", { class: "muted" }, "No socket answered the discovery."),
      el("h2", {}, "This computer"),
      el(
        "p",
        {},
        "Daemon: s20 " + d.mode + ", pid " + d.pid +
          (d.udp ? ", UDP " + d.udp.hostname + ":" + d.udp.port : ""),
      ),
      el(
        "ul",
        {},
        d.interfaces.map((i) =>
          el("li", {}, i.name + " " + i.address + " (broadcast " + i.broadcast + ")")
        ),
      ),
    );
  } catch (error) {
    main.replaceChildren(el("h1", {}, "Doctor"), el("p", { class: "warn" }, messageOf(error)));
  }
}

function route() {
  const hash = location.hash || "#/sockets";
  const [, page, arg] = hash.split("/");
  for (const a of document.querySelectorAll("nav a")) {
    if (a.getAttribute("href") === "#/" + page) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  listeners.clear();
  if (page === "socket" && arg) void socketPage(decodeURIComponent(arg));
  else if (page === "schedule") void schedulePage();
  else if (page === "events") eventsPage();
  else if (page === "doctor") void doctorPage();
  else socketsPage();
}

must("#logout", HTMLElement).addEventListener("click", async () => {
  await fetch("/logout", { method: "POST", headers: { "x-csrf-token": csrf } });
  location.href = "/";
});

(async () => {
  try {
    sockets = (await api("GET", "/web/sockets")).sockets;
  } catch (error) {
    main.replaceChildren(el("p", { class: "warn" }, messageOf(error)));
    return;
  }
  openStream();
  globalThis.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "true";
})();
