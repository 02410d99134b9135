/**
 * `GET /v1/discover`: the client's discovery as NDJSON, one `{"socket": …}` line as each socket
 * answers (and `{"probeError": …}` for a probe that could not be sent), so callers see sockets
 * as they come rather than at the end of the window.
 */
import type { DiscoveredSocket } from "../client/types.ts";
import type { Controller } from "../client/controller.ts";
import { parseTarget } from "../client/targets.ts";
import { integerParam } from "./http.ts";
import { errorBody } from "../error_json.ts";
import { discoveredToJson } from "./wire.ts";

/**
 * Starts a discovery for the request's `timeout` and `target`s; `signal` stops it, and
 * `onSocket` hears each socket found.
 */
export function discoverResponse(
  controller: Controller,
  url: URL,
  signal: AbortSignal,
  onSocket: (found: DiscoveredSocket) => void = () => {},
): Response {
  const timeout = integerParam(url.searchParams.get("timeout"), "timeout", 1, 60_000) ?? 3000;
  const targets = url.searchParams.getAll("target");
  for (const t of targets) parseTarget(t);
  const lines: string[] = [];
  const gone = new AbortController();
  const found = controller.discover({
    timeout,
    signal: AbortSignal.any([gone.signal, signal]),
    ...(targets.length > 0 ? { targets } : {}),
    onProbeError: (address, error) =>
      lines.push(JSON.stringify({
        probeError: { hostname: address.hostname, port: address.port, message: error.message },
      })),
  });
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      let done = false;
      try {
        const next = await found.next();
        if (next.done) done = true;
        else {
          onSocket(next.value);
          lines.push(JSON.stringify({ socket: discoveredToJson(next.value) }));
        }
      } catch (error) {
        lines.push(JSON.stringify(errorBody(error)));
        done = true;
      }
      if (cancelled) return;
      for (const line of lines.splice(0)) stream.enqueue(encoder.encode(`${line}\n`));
      if (done) stream.close();
    },
    async cancel() {
      cancelled = true;
      gone.abort();
      await found.return?.();
    },
  });
  return new Response(body, {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}
