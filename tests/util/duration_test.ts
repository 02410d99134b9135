import assert from "node:assert/strict";
import { formatDuration } from "../../lib/util/duration.ts";

Deno.test("formatDuration() writes seconds as the user types them", () => {
  assert.equal(formatDuration(5400), "1h30m");
  assert.equal(formatDuration(90), "1m30s");
  assert.equal(formatDuration(65535), "18h12m15s");
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(-600), "-10m");
  assert.equal(formatDuration(59.6), "1m");
});
