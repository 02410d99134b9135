/**
 * The inside of an automation's worker. The daemon starts each worker from a small module that
 * imports the user's script and this file, then calls {@linkcode runHosted} with the script's
 * default export: both are loaded before the script runs, so the worker needs no permission
 * to read them, and has none but those its schedule entry grants.
 */
import type { Automation, AutomationContext, ScheduleGlance } from "./automation_context.ts";
import { type FromWorker, toWire, type ToWorker } from "./_automation_messages.ts";
import { DaemonLink, WorkerController } from "./_worker_controller.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};

/** Runs the script's default export once the daemon says who it is; reports how it ended. */
export function runHosted(main: unknown): void {
  const stop = new AbortController();
  const link = new DaemonLink((message) => scope.postMessage(message));
  scope.onmessage = (event) => {
    const message = event.data;
    if (message.t === "stop") {
      stop.abort(new DOMException("the automation was stopped", "AbortError"));
    } else if (message.t === "init") {
      void start(main, link, stop.signal, message);
    } else link.receive(message);
  };
}

async function start(
  main: unknown,
  link: DaemonLink,
  signal: AbortSignal,
  init: Extract<ToWorker, { t: "init" }>,
): Promise<void> {
  if (typeof main !== "function") {
    link.send({
      t: "ended",
      error: toWire(
        new TypeError(
          `the script's default export is ${
            main === undefined ? "missing" : `a ${typeof main}`
          }; export an async function: 'export default async function (context) { … }'`,
        ),
      ),
    });
    return;
  }
  const context: AutomationContext = {
    name: init.name,
    sockets: new WorkerController(link, init.aliases),
    signal,
    options: init.options,
    log: (message, level = "info") => link.send({ t: "log", message: String(message), level }),
    sleep: (ms, also) =>
      link.request<void>({ t: "sleep", ms }, also ? AbortSignal.any([signal, also]) : signal),
    now: async () => new Date(await link.request<number>({ t: "now" })),
    schedule: () => link.request<ScheduleGlance | null>({ t: "status" }),
  };
  try {
    await (main as Automation)(context);
    link.send({ t: "ended" });
  } catch (error) {
    // Stopping rejects what was waiting on the signal: that is an ending, not a failure.
    link.send(
      signal.aborted && error === signal.reason ? { t: "ended" } : {
        t: "ended",
        error: toWire(error),
      },
    );
  }
}
