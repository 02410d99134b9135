/**
 * Who may use the web page, and how. On loopback the page opens from a link that carries the
 * listener's random token (printed by the daemon and by `s20 web url`), as Jupyter's does:
 * other users of the computer reach loopback too. On any other address it asks for the
 * password (`s20 web passwd`). Either way the browser then holds a session cookie
 * (`HttpOnly`, `SameSite=Strict`); every request that changes something carries the session's
 * CSRF token and an `Origin` of this very listener; a `Host` that is not an address (or
 * `localhost`) is refused, which defeats DNS rebinding; failed logins lock the login for a
 * while, longer after each.
 */
import { HttpError } from "../api/http.ts";
import { randomToken, sameSecret } from "../api/listen_files.ts";
import { verifyPassword } from "./password.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "s20_session";
/** The header that carries the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";
/** How long a session lasts. */
const SESSION_MS = 12 * 3600_000;
/** Sessions held at most; the oldest goes first. */
const MAX_SESSIONS = 64;
/** Failed logins allowed before the login locks. */
const FREE_FAILURES = 2;
/** The longest lock. */
const MAX_LOCK_MS = 5 * 60_000;

/** One browser's login. */
export interface WebSession {
  readonly id: string;
  readonly csrf: string;
  readonly expires: number;
}

/** How a {@linkcode WebGate} lets people in. */
export interface WebGateOptions {
  /** The token of the loopback link (the listener's bearer token). */
  readonly token: string;
  /** Ask for the password (a listener not on loopback, or asked for). */
  readonly password: boolean;
  /** The stored hash, when `password`. */
  readonly passwordHash: string | null;
  /** Milliseconds now. */
  readonly now?: () => number;
}

/** A `Host` that names this listener by address, never by a name DNS could rebind. */
function safeHost(host: string): boolean {
  const name = host.replace(/:\d{1,5}$/, "");
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || /^\[[0-9a-f:.]+\]$/i.test(name) ||
    name === "localhost";
}

/** The cookies of a request, by name. */
function cookies(request: Request): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) map.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return map;
}

/** Whether a method changes something. */
export function changesState(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

/** Sessions, CSRF tokens and the login throttle of one listener. */
export class WebGate {
  readonly #options: WebGateOptions;
  readonly #sessions = new Map<string, WebSession>();
  readonly #now: () => number;
  #failures = 0;
  #lockedUntil = 0;
  /** Logins are checked one at a time, so parallel guesses do not slip past the lock. */
  #checking: Promise<unknown> = Promise.resolve();

  constructor(options: WebGateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Whether the page asks for the password (else it opens from the token link). */
  get usesPassword(): boolean {
    return this.#options.password;
  }

  /**
   * Refuses a request whose `Host` is a name (DNS rebinding) or missing.
   *
   * @throws {HttpError} 421.
   */
  checkHost(request: Request): void {
    const host = request.headers.get("host");
    if (host === null || !safeHost(host)) {
      throw new HttpError(
        "MISDIRECTED",
        "The s20 daemon answers only requests addressed to it by IP address or localhost",
      );
    }
  }

  /** The request's live session, or `null`. */
  session(request: Request): WebSession | null {
    const id = cookies(request).get(SESSION_COOKIE);
    if (id === undefined) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expires <= this.#now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  /**
   * Lets a request of a session through: any request needs the session; one that changes
   * something also needs the session's CSRF token and this listener's `Origin`.
   *
   * @throws {HttpError} 401 without a session, 403 without the token or from elsewhere.
   */
  authorize(request: Request): WebSession {
    const session = this.session(request);
    if (!session) {
      throw new HttpError(
        "UNAUTHORIZED",
        this.usesPassword
          ? "Log in first (GET /login), or send 'Authorization: Bearer TOKEN'"
          : "Open the link the daemon printed ('s20 web url'), or send 'Authorization: Bearer TOKEN'",
      );
    }
    if (changesState(request.method)) {
      const given = request.headers.get(CSRF_HEADER) ?? "";
      if (!sameSecret(given, session.csrf)) {
        throw new HttpError("FORBIDDEN", `Missing or wrong ${CSRF_HEADER} header`);
      }
      this.checkOrigin(request);
    }
    return session;
  }

  /**
   * Refuses a request from a page of another origin: `Origin` (or, without it, `Referer`)
   * must be this listener as its `Host` names it.
   *
   * @throws {HttpError} 403.
   */
  checkOrigin(request: Request): void {
    const host = request.headers.get("host") ?? "";
    let origin = request.headers.get("origin");
    if (origin === null) {
      try {
        origin = new URL(request.headers.get("referer") ?? "").origin;
      } catch {
        origin = null;
      }
    }
    if (origin !== `http://${host}`) {
      throw new HttpError(
        "FORBIDDEN",
        "Requests that change something must come from this page",
      );
    }
  }

  /** Opens a session for the loopback link's token; `null` when the token is wrong. */
  sessionForToken(token: string): WebSession | null {
    if (this.usesPassword || !sameSecret(token, this.#options.token)) return null;
    return this.#open();
  }

  /**
   * Opens a session for a password, or says how long the login is locked.
   *
   * @returns The session, `"wrong"`, or the milliseconds to wait.
   */
  login(password: string): Promise<WebSession | "wrong" | number> {
    const attempt = this.#checking.then(async () => {
      const wait = this.#lockedUntil - this.#now();
      if (wait > 0) return wait;
      const hash = this.#options.passwordHash;
      if (hash !== null && await verifyPassword(password, hash)) {
        this.#failures = 0;
        return this.#open();
      }
      this.#failures++;
      if (this.#failures > FREE_FAILURES) {
        const lock = Math.min(1000 * 2 ** (this.#failures - FREE_FAILURES - 1), MAX_LOCK_MS);
        this.#lockedUntil = this.#now() + lock;
      }
      return "wrong" as const;
    });
    this.#checking = attempt.catch(() => {});
    return attempt;
  }

  /** Ends a session. */
  logout(session: WebSession): void {
    this.#sessions.delete(session.id);
  }

  /** The `Set-Cookie` value for a session (or, with `null`, one that clears it). */
  cookie(session: WebSession | null): string {
    const value = session ? session.id : "";
    const age = session ? Math.floor(SESSION_MS / 1000) : 0;
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}`;
  }

  #open(): WebSession {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (s.expires <= now) this.#sessions.delete(id);
    while (this.#sessions.size >= MAX_SESSIONS) {
      this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    const session = { id: randomToken(), csrf: randomToken(), expires: now + SESSION_MS };
    this.#sessions.set(session.id, session);
    return session;
  }
}
