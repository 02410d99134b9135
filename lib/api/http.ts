/**
 * The daemon's HTTP plumbing: JSON answers, request bodies read with a size limit, query
 * numbers checked, and errors turned into statuses. Request bodies are never echoed (one may
 * hold a remote password).
 */
import { ERROR_CODES, type ErrorCode, S20Error } from "../errors.ts";
import { wholeNumberIn } from "../util/whole_number.ts";
import { errorBody, errorCodeOf, errorJson } from "../error_json.ts";

/** The largest request body taken. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * A request the daemon refuses before doing anything: bad JSON, unknown path, wrong method. Its
 * status is its code's in `ERROR_CODES` unless the refusal needs a finer one (405, 413).
 */
export class HttpError extends S20Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { readonly status?: number; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(code, message);
    this.name = "HttpError";
    this.status = options.status ?? ERROR_CODES[code].http;
    this.headers = options.headers ?? {};
  }
}

/** A JSON answer that no cache keeps. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** The HTTP status of an error: its code's in `ERROR_CODES` (the CLI's exit codes, in HTTP). */
export function statusOf(error: unknown): number {
  return error instanceof HttpError ? error.status : ERROR_CODES[errorCodeOf(error)].http;
}

/** The answer for an error; anything unexpected is reported as internal, without detail. */
export function errorResponse(error: unknown, extra: Record<string, unknown> = {}): Response {
  const status = statusOf(error);
  if (error instanceof HttpError) {
    return jsonResponse(status, errorJson(error), error.headers);
  }
  if (status === 500) {
    return jsonResponse(500, {
      error: { code: "INTERNAL", message: "The s20 daemon failed on this request; see its log" },
    });
  }
  return jsonResponse(status, { ...errorBody(error), ...extra });
}

/**
 * The request's JSON object body (`{}` when there is none).
 *
 * @throws {HttpError} 413 past 64 KiB; 400 when it is not a JSON object.
 */
export async function readJson(request: Request): Promise<Record<string, unknown>> {
  if (!request.body) return {};
  const tooLarge = () =>
    new HttpError("USAGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes`, {
      status: 413,
    });
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    await request.body.cancel();
    throw tooLarge();
  }
  // Read in chunks, so a body without (or lying about) its length still stops at the limit.
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = await new Blob(chunks).text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, and the input may be a password.
    throw new HttpError("USAGE", "Cannot parse the request body: it is not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError("USAGE", "The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * An integer query parameter (or header value) in `[min, max]`.
 *
 * @throws {HttpError} 400 `INVALID_VALUE` when it is not.
 */
export function integerParam(
  text: string | null,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (text === null) return undefined;
  const n = wholeNumberIn(text, min, max);
  if (n === null) {
    throw new HttpError("INVALID_VALUE", `'${name}' must be a whole number from ${min} to ${max}`);
  }
  return n;
}
