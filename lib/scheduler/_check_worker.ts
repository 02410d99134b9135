/** The worker of `readScheduleFileInWorker`: checks the files it is sent, one answer each. */
import { readScheduleFile } from "./_schedule_file.ts";

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<string>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => scope.postMessage(readScheduleFile(event.data));
scope.postMessage("ready");
