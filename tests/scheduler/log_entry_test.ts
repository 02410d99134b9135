import assert from "node:assert/strict";
import { formatLogJson, formatLogText, type LogEntry } from "../../lib/scheduler/log_entry.ts";
import { childEnv } from "../helpers/child_env.ts";

const ENTRY: LogEntry = {
  at: new Date("2026-12-24T16:49:00.123Z"),
  kind: "fired",
  message: "desk on (Away lights, host, 3 ms late)",
};

Deno.test("the daemon's text log shows local time with its offset; JSON keeps UTC ISO", () => {
  assert.equal(
    formatLogText(ENTRY, { timeZone: "Europe/Berlin" }),
    "2026-12-24 17:49:00 +01:00 fired        desk on (Away lights, host, 3 ms late)",
  );
  assert.equal(JSON.parse(formatLogJson(ENTRY)).at, "2026-12-24T16:49:00.123Z");
});

Deno.test("without a zone, the daemon's text log uses the computer's zone (TZ)", async () => {
  const module = new URL("../../lib/scheduler/log_entry.ts", import.meta.url).href;
  const { stdout, success } = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { formatLogText } from "${module}";` +
      `console.log(formatLogText({ at: new Date("2026-07-01T12:00:00Z"), kind: "started", ` +
      `message: "x" }));`,
    ],
    env: childEnv({ TZ: "Europe/Berlin" }),
    stdout: "piped",
  }).output();
  assert.ok(success);
  assert.equal(
    new TextDecoder().decode(stdout),
    "2026-07-01 14:00:00 +02:00 started      x\n",
  );
});
