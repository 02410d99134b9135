/**
 * The web page on the daemon's TCP listener: `/` (the application, or how to get in),
 * `/login` and `/logout`, its two static files, and the `/web/…` data. Every answer carries a
 * Content-Security-Policy that lets the page run only its own script and style.
 */
import { errorResponse, HttpError } from "../api/http.ts";
import { notFound } from "../api/routing.ts";
import { changesState, type WebGate } from "./gate.ts";
import { webDataRequest, type WebSources } from "./data_routes.ts";
import { appPage, linkPage, loginPage } from "./page_html.ts";
import { PAGE_CSS } from "./page_css.ts";
import { PAGE_SCRIPT } from "./page_script.ts";

/** The headers of every web answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
    "base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // Same-origin requests keep their Origin header, which the CSRF check reads.
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

/** The largest login form taken. */
const MAX_FORM_BYTES = 4096;

/** Adds the security headers to an answer. */
export function secured(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}

function page(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });
}

function redirect(to: string, cookie?: string): Response {
  return new Response(null, {
    status: 303,
    headers: { location: to, ...(cookie ? { "set-cookie": cookie } : {}) },
  });
}

/** The login form's password (a URL-encoded body, size-limited). */
async function formPassword(request: Request): Promise<string> {
  const text = request.body ? await new Response(request.body).text() : "";
  if (text.length > MAX_FORM_BYTES) {
    throw new HttpError("USAGE", `Login forms are limited to ${MAX_FORM_BYTES} bytes`, {
      status: 413,
    });
  }
  return new URLSearchParams(text).get("password") ?? "";
}

/** Whether a path is the page's (not the API's `/v1`). */
export function isWebPath(pathname: string): boolean {
  return pathname !== "/v1" && !pathname.startsWith("/v1/");
}

/** Answers a request for the page; refusals as JSON (API-like paths) or as a page. */
export async function webRequest(
  gate: WebGate,
  sources: WebSources,
  request: Request,
): Promise<Response> {
  try {
    gate.checkHost(request);
    return secured(await route(gate, sources, request));
  } catch (error) {
    return secured(errorResponse(error));
  }
}

async function route(gate: WebGate, sources: WebSources, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const method = request.method;
  const path = url.pathname;
  if (path === "/app.css" && !changesState(method)) {
    return new Response(PAGE_CSS, { headers: { "content-type": "text/css; charset=utf-8" } });
  }
  if (path === "/favicon.ico") return new Response(null, { status: 204 });
  if (path === "/") {
    if (changesState(method)) throw notFound(method, path);
    const token = url.searchParams.get("token");
    if (token !== null) {
      const session = gate.sessionForToken(token);
      if (session) return redirect("/", gate.cookie(session));
    }
    const session = gate.session(request);
    if (session) {
      return page(200, appPage(session.csrf, sources.scheduler ? "schedule" : "serve"));
    }
    return page(401, gate.usesPassword ? loginPage(null) : linkPage());
  }
  if (path === "/login") {
    if (!gate.usesPassword) return page(401, linkPage());
    if (!changesState(method)) return page(200, loginPage(null));
    if (method !== "POST") throw notFound(method, path);
    gate.checkOrigin(request);
    const result = await gate.login(await formPassword(request));
    if (typeof result === "number") {
      const seconds = Math.ceil(result / 1000);
      return page(
        429,
        loginPage(`Too many wrong passwords: try again in ${seconds} s`),
        { "retry-after": String(seconds) },
      );
    }
    if (result === "wrong") return page(401, loginPage("Wrong password"));
    return redirect("/", gate.cookie(result));
  }
  if (path === "/logout") {
    if (method !== "POST") throw notFound(method, path);
    gate.logout(gate.authorize(request));
    return redirect(gate.usesPassword ? "/login" : "/", gate.cookie(null));
  }
  // Everything else needs a session (and, to change something, its CSRF token).
  gate.authorize(request);
  if (path === "/app.js" && !changesState(method)) {
    return new Response(PAGE_SCRIPT, {
      headers: { "content-type": "text/javascript; charset=utf-8" },
    });
  }
  const [area, ...rest] = path.split("/").filter((s) => s !== "");
  if (area === "web") return await webDataRequest(sources, request, url, rest);
  throw notFound(method, path);
}
