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
