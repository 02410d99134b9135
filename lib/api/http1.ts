/**
 * HTTP/1.1 on the wire, as much as the daemon's API needs: a request head parsed (request
 * line and headers, origin-form targets only, a length-delimited body) and a response head
 * written. Bytes in, values out: no I/O here.
 */

/** A request head, parsed. */
export interface RequestHead {
  readonly method: string;
  /** The request's path with its query, always starting with `/` (never `//`). */
  readonly target: string;
  /** `HTTP/1.0` closes after one answer; `HTTP/1.1` keeps the connection unless told not to. */
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  readonly headers: Headers;
  /** Bytes of body that follow the head. */
  readonly bodyLength: number;
  /** Whether the client keeps the connection for another request. */
  readonly keepAlive: boolean;
  /** The client waits for `100 Continue` before it sends its body. */
  readonly expectContinue: boolean;
}

/** A request the daemon cannot parse: answered with `status` and the connection closed. */
export class BadRequest extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "BadRequest";
    this.status = status;
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const decoder = new TextDecoder("latin1");

/**
 * Where the head in `buffer[0, length)` ends (the index after its blank line), or -1 when it
 * has not ended yet; bytes before `from` are known to hold no end.
 */
export function headEnd(buffer: Uint8Array, from: number, length: number): number {
  for (let i = from + 3; i < length; i++) {
    if (
      buffer[i] === 0x0a && buffer[i - 1] === 0x0d && buffer[i - 2] === 0x0a &&
      buffer[i - 3] === 0x0d
    ) {
      return i + 1;
    }
  }
  return -1;
}

/**
 * Parses a request head (its bytes up to and including the blank line).
 *
 * @throws {BadRequest} 400 for anything malformed; 411 for a body without `content-length`
 *   (chunked request bodies are not taken: no client of the API sends one); 501 for other
 *   versions.
 */
export function parseHead(bytes: Uint8Array): RequestHead {
  const lines = decoder.decode(bytes).split("\r\n");
  const [method, target, version, extra] = (lines[0] ?? "").split(" ");
  if (extra !== undefined || !method || !TOKEN.test(method) || !target || !version) {
    throw new BadRequest(400, "The request line must be 'METHOD /path HTTP/1.1'");
  }
  if (version !== "HTTP/1.1" && version !== "HTTP/1.0") {
    throw new BadRequest(501, `Only HTTP/1.1 is served, not ${version.slice(0, 16)}`);
  }
  const path = originForm(target);
  if (path === null) {
    throw new BadRequest(400, "The request target must be a path such as /v1/health");
  }
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !TOKEN.test(name)) {
      throw new BadRequest(400, "A header line is not 'Name: value'");
    }
    try {
      headers.append(name, line.slice(colon + 1).trim());
    } catch {
      throw new BadRequest(400, `The header ${name.slice(0, 64)} has a value HTTP does not allow`);
    }
  }
  if (headers.has("transfer-encoding")) {
    throw new BadRequest(411, "Send the request body with a content-length, not chunked");
  }
  const length = headers.get("content-length");
  const bodyLength = length === null ? 0 : /^\d{1,15}$/.test(length) ? Number(length) : NaN;
  if (Number.isNaN(bodyLength)) {
    throw new BadRequest(400, "The content-length header must be one whole number");
  }
  const connection = (headers.get("connection") ?? "").toLowerCase();
  const keepAlive = version === "HTTP/1.1"
    ? !connection.includes("close")
    : connection.includes("keep-alive");
  return {
    method,
    target: path,
    version,
    headers,
    bodyLength,
    keepAlive,
    expectContinue: (headers.get("expect") ?? "").toLowerCase() === "100-continue",
  };
}

/**
 * The path and query of a request target: origin-form (`/v1/health`) as is, absolute-form
 * (`http://host/v1/health`, which HTTP clients send to a proxy, and Deno's over a Unix socket)
 * without its scheme and host; `null` for anything else.
 */
function originForm(target: string): string | null {
  if (target.startsWith("/")) return target.startsWith("//") ? null : target;
  const absolute = /^https?:\/\/[^/?#]*(\/[^#]*)?$/i.exec(target);
  if (!absolute) return null;
  const path = absolute[1] ?? "/";
  return path.startsWith("//") ? null : path;
}

const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  411: "Length Required",
  413: "Content Too Large",
  422: "Unprocessable Content",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The status line and headers of an answer, with its blank line. */
export function responseHead(
  status: number,
  headers: Iterable<[string, string]>,
  framing: { readonly length: number } | "chunked",
  keepAlive: boolean,
): string {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? ""}\r\n`;
  for (const [name, value] of headers) {
    if (name === "content-length" || name === "transfer-encoding" || name === "connection") {
      continue;
    }
    head += `${name}: ${value}\r\n`;
  }
  head += framing === "chunked"
    ? "transfer-encoding: chunked\r\n"
    : `content-length: ${framing.length}\r\n`;
  if (!keepAlive) head += "connection: close\r\n";
  return head + "\r\n";
}
