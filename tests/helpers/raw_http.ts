/**
 * HTTP/1.1 by hand over TCP, for tests that must choose every header (`Host`, `Origin`,
 * `Cookie`) and see redirects as they are: one request per connection.
 */

/** An answer as it came. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; repeated ones joined by `\n`. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Sends one request to `127.0.0.1:port` (or `hostname`) and reads the whole answer. */
export async function rawHttp(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = "",
  hostname = "127.0.0.1",
): Promise<RawAnswer> {
  const conn = await Deno.connect({ hostname, port });
  try {
    const all: Record<string, string> = {
      host: `${hostname}:${port}`,
      connection: "close",
      ...(body || method !== "GET"
        ? { "content-length": String(new TextEncoder().encode(body).length) }
        : {}),
      ...headers,
    };
    const head = `${method} ${path} HTTP/1.1\r\n` +
      Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
    await conn.write(new TextEncoder().encode(head + body));
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(16 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
    const end = text.indexOf("\r\n\r\n");
    const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
    const map = new Map<string, string>();
    for (const line of lines) {
      const at = line.indexOf(":");
      const name = line.slice(0, at).trim().toLowerCase();
      const value = line.slice(at + 1).trim();
      map.set(name, map.has(name) ? `${map.get(name)}\n${value}` : value);
    }
    let rest = text.slice(end + 4);
    if (map.get("transfer-encoding") === "chunked") {
      let out = "";
      while (rest.length > 0) {
        const lineEnd = rest.indexOf("\r\n");
        const size = parseInt(rest.slice(0, lineEnd), 16);
        if (!size) break;
        out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
      }
      rest = out;
    }
    return { status: Number(statusLine.split(" ")[1]), headers: map, body: rest };
  } finally {
    try {
      conn.close();
    } catch {
      // Closed by the server.
    }
  }
}
