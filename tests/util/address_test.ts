import assert from "node:assert/strict";
import { formatAddress } from "../../lib/util/address.ts";

Deno.test("an IPv4 address is written host:port", () => {
  assert.equal(formatAddress({ hostname: "192.0.2.7", port: 10000 }), "192.0.2.7:10000");
  assert.equal(formatAddress({ hostname: "127.0.0.1", port: 0 }), "127.0.0.1:0");
});

Deno.test("an IPv6 literal is bracketed, so its colons are not read as the port's", () => {
  assert.equal(formatAddress({ hostname: "::1", port: 8020 }), "[::1]:8020");
  assert.equal(formatAddress({ hostname: "2001:db8::5", port: 10000 }), "[2001:db8::5]:10000");
});
