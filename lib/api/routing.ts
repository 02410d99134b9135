/** Answers shared by every route: a method not allowed here, a path that is no endpoint. */
import { HttpError } from "./http.ts";

/** Throws 405 (with `Allow`) unless `method` is one of `allowed`. */
export function allow(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) {
    throw new HttpError("USAGE", `Use ${allowed.join(" or ")} here`, {
      status: 405,
      headers: { allow: allowed.join(", ") },
    });
  }
}

/** The 404 for a path that is no endpoint (the path shortened: it is the caller's text). */
export function notFound(method: string, path: string): HttpError {
  const shown = path.length > 120 ? `${path.slice(0, 120)}…` : path;
  return new HttpError(
    "NOT_FOUND",
    `No such endpoint: ${method} ${shown}; GET /v1 lists them`,
  );
}

/**
 * Key of a route's call shape (its query or body, such as `{on}`), shown by `GET /v1` beside
 * the methods; a symbol, so a route's string keys stay exactly its methods.
 */
export const CALL: unique symbol = Symbol("call");

/** One endpoint: its handlers by HTTP method, and how it is called. */
export type Route<H> = Readonly<Record<string, H>> & { readonly [CALL]?: string };

/** The endpoint list of `GET /v1`, from route tables keyed by path (after `/v1/`). */
export function describeRoutes(routes: Iterable<readonly [string, Route<unknown>]>): string[] {
  return [...routes].map(([path, route]) => {
    const call = route[CALL];
    const shown = call === undefined ? "" : call.startsWith("?") ? call : ` ${call}`;
    return `${Object.keys(route).join("|")} /v1/${path}${shown}`;
  });
}
