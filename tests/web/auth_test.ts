/**
 * Who gets into the web page. A listener that asks for the password is what every address
 * off loopback gets; these tests make one on 127.0.0.1 with `requirePassword` (the same gate,
 * chosen by the option instead of the address), so the browser-free checks run in the test's
 * own process without a network namespace. Off loopback without a password the daemon does
 * not start at all (checked before anything is bound).
 */
import assert from "node:assert/strict";
import { S20Client } from "../../lib/client/client.ts";
import { startEmulator } from "../../lib/emulator/emulator.ts";
import { startApiServer } from "../../lib/api/server.ts";
import { hashPassword, verifyPassword } from "../../lib/web/password.ts";
import { WebGate } from "../../lib/web/gate.ts";
import { rawHttp } from "../helpers/raw_http.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const PASSWORD = "correct horse battery";

async function daemon(web: { requirePassword?: boolean; passwordHash?: string | null }) {
  const dir = await tempDir();
  const client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 2000 });
  const api = await startApiServer({
    controller: client,
    socket: null,
    listen: { hostname: "127.0.0.1", port: 0 },
    tokenFile: `${dir.path}/daemon.token`,
    web,
  });
  const port = Number(new URL(api.url!).port);
  const token = (await Deno.readTextFile(api.tokenFile!)).trim();
  return {
    api,
    client,
    port,
    token,
    origin: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      await api.close();
      await client.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** The session cookie a `Set-Cookie` header sets (`name=value`). */
function sessionOf(setCookie: string | undefined): string {
  assert.ok(setCookie, "a cookie is set");
  return setCookie.split(";")[0]!;
}

Deno.test("passwords are stored as salted PBKDF2 hashes and checked against them", async () => {
  const a = await hashPassword(PASSWORD, 1000);
  const b = await hashPassword(PASSWORD, 1000);
  assert.match(a, /^pbkdf2-sha256\$1000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b, "a fresh salt each time");
  assert.ok(!a.includes(PASSWORD));
  assert.equal(await verifyPassword(PASSWORD, a), true);
  assert.equal(await verifyPassword("wrong password", a), false);
  assert.equal(await verifyPassword(PASSWORD, "plain text"), false);
});

Deno.test("off loopback the daemon does not start without a web password", async () => {
  await using dir = await tempDir();
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  for (const web of [undefined, {}, { passwordHash: null }]) {
    await assert.rejects(
      startApiServer({
        controller: client,
        socket: null,
        listen: { hostname: "192.0.2.1", port: 0 },
        tokenFile: `${dir.path}/t`,
        ...(web ? { web } : {}),
      }),
      /Cannot listen on 192\.0\.2\.1/,
    );
  }
});

Deno.test("a password listener refuses every page and call without a login, CSRF token and its own Origin", async () => {
  await using emulated = await startEmulator({
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    timing: "instant",
  });
  await using d = await daemon({
    requirePassword: true,
    passwordHash: await hashPassword(PASSWORD, 1000),
  });
  const target = encodeURIComponent(`${emulated.mac}@127.0.0.1:${emulated.address.port}`);

  // Without a login: every page and call is refused, and the token link does not open it.
  for (
    const path of [
      "/",
      `/?token=${d.token}`,
      "/app.js",
      "/web/sockets",
      "/web/doctor",
      "/web/plan.svg",
      "/web/schedule",
      "/v1",
      "/v1/health",
      "/v1/events?format=sse",
      `/v1/sockets/${target}/state`,
    ]
  ) {
    const answer = await rawHttp(d.port, "GET", path);
    assert.equal(answer.status, 401, `GET ${path}`);
    assert.match(answer.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  }
  const power = await rawHttp(d.port, "POST", `/v1/sockets/${target}/power`, {
    origin: d.origin,
  }, '{"on":true}');
  assert.equal(power.status, 401);
  assert.equal(emulated.device.on, false);

  // A name in Host (DNS rebinding) is refused before anything else.
  const rebound = await rawHttp(d.port, "GET", "/login", { host: `evil.example:${d.port}` });
  assert.equal(rebound.status, 421);

  // Logging in from another site's form is refused; from this page it works.
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const body = `password=${encodeURIComponent(PASSWORD)}`;
  const foreign = await rawHttp(d.port, "POST", "/login", {
    ...form,
    origin: "http://evil.example",
  }, body);
  assert.equal(foreign.status, 403);
  const login = await rawHttp(d.port, "POST", "/login", { ...form, origin: d.origin }, body);
  assert.equal(login.status, 303);
  const setCookie = login.headers.get("set-cookie");
  assert.match(setCookie ?? "", /HttpOnly/);
  assert.match(setCookie ?? "", /SameSite=Strict/);
  const cookie = sessionOf(setCookie);

  // The session opens the page, which carries the CSRF token for the script.
  const app = await rawHttp(d.port, "GET", "/", { cookie });
  assert.equal(app.status, 200);
  const csrf = /name="s20-csrf" content="([0-9a-f]+)"/.exec(app.body)?.[1];
  assert.ok(csrf);
  assert.equal((await rawHttp(d.port, "GET", "/web/sockets", { cookie })).status, 200);
  assert.equal((await rawHttp(d.port, "GET", "/app.js", { cookie })).status, 200);

  // A change needs the CSRF token and this listener's Origin.
  const path = `/v1/sockets/${target}/power`;
  const on = '{"on":true}';
  const json = { "content-type": "application/json" };
  const noToken = await rawHttp(d.port, "POST", path, { ...json, cookie, origin: d.origin }, on);
  assert.equal(noToken.status, 403);
  assert.match(noToken.body, /x-csrf-token/);
  const wrongToken = await rawHttp(d.port, "POST", path, {
    ...json,
    cookie,
    origin: d.origin,
    "x-csrf-token": "0".repeat(64),
  }, on);
  assert.equal(wrongToken.status, 403);
  const elsewhere = await rawHttp(d.port, "POST", path, {
    ...json,
    cookie,
    origin: "http://evil.example",
    "x-csrf-token": csrf,
  }, on);
  assert.equal(elsewhere.status, 403);
  const noOrigin = await rawHttp(
    d.port,
    "POST",
    path,
    { ...json, cookie, "x-csrf-token": csrf },
    on,
  );
  assert.equal(noOrigin.status, 403);
  assert.equal(emulated.device.on, false, "nothing refused reached the socket");
  const ok = await rawHttp(d.port, "POST", path, {
    ...json,
    cookie,
    origin: d.origin,
    "x-csrf-token": csrf,
  }, on);
  assert.equal(ok.status, 200, ok.body);
  assert.equal(JSON.parse(ok.body).on, true);
  assert.equal(emulated.device.on, true);

  // The socket's remote password never reaches the page.
  const info = await rawHttp(d.port, "GET", `/v1/sockets/${target}/info`, { cookie });
  assert.equal(info.status, 200);
  assert.equal(JSON.parse(info.body).data.remotePassword, "");
  assert.ok(!info.body.includes(emulated.device.socketData.remotePassword || "\u0000"));

  // Logging out ends the session.
  const out = await rawHttp(d.port, "POST", "/logout", {
    cookie,
    origin: d.origin,
    "x-csrf-token": csrf,
  });
  assert.equal(out.status, 303);
  assert.equal((await rawHttp(d.port, "GET", "/web/sockets", { cookie })).status, 401);

  // Programs with the token file still use the API.
  const bearer = await rawHttp(d.port, "GET", "/v1/health", {
    authorization: `Bearer ${d.token}`,
  });
  assert.equal(bearer.status, 200);
});

Deno.test("failed logins lock the login, even for the right password", async () => {
  await using d = await daemon({
    requirePassword: true,
    passwordHash: await hashPassword(PASSWORD, 1000),
  });
  const form = { "content-type": "application/x-www-form-urlencoded", origin: d.origin };
  const attempt = (password: string) =>
    rawHttp(d.port, "POST", "/login", form, `password=${encodeURIComponent(password)}`);
  // Two wrong guesses are free; the third locks the login for a second.
  assert.equal((await attempt("guess one")).status, 401);
  assert.equal((await attempt("guess two")).status, 401);
  assert.equal((await attempt("guess three")).status, 401);
  const locked = await attempt(PASSWORD);
  assert.equal(locked.status, 429, "the right password waits out the lock");
  assert.ok(Number(locked.headers.get("retry-after")) >= 1);
  assert.match(locked.body, /try again in \d+ s/);
});

Deno.test("on loopback the page opens from the token link, which sets the session cookie", async () => {
  await using d = await daemon({});
  assert.equal(d.api.webUrl, `${d.origin}/?token=${d.token}`);
  const none = await rawHttp(d.port, "GET", "/");
  assert.equal(none.status, 401);
  assert.match(none.body, /s20 web url/);
  assert.equal((await rawHttp(d.port, "GET", "/?token=abc")).status, 401);
  const link = await rawHttp(d.port, "GET", `/?token=${d.token}`);
  assert.equal(link.status, 303);
  assert.equal(link.headers.get("location"), "/", "the token leaves the address bar");
  const cookie = sessionOf(link.headers.get("set-cookie"));
  const app = await rawHttp(d.port, "GET", "/", { cookie });
  assert.equal(app.status, 200);
  assert.match(app.body, /<script type="module" src="\/app\.js">/);
  // The login form is not the way in here.
  assert.equal((await rawHttp(d.port, "GET", "/login")).status, 401);
});

Deno.test("each failed login past the free ones doubles the lock", async () => {
  let now = 0;
  const gate = new WebGate({
    token: "t",
    password: true,
    passwordHash: await hashPassword(PASSWORD, 1000),
    now: () => now,
  });
  assert.equal(await gate.login("a"), "wrong");
  assert.equal(await gate.login("b"), "wrong");
  assert.equal(await gate.login("c"), "wrong");
  assert.equal(await gate.login(PASSWORD), 1000);
  now += 1000;
  assert.equal(await gate.login("d"), "wrong");
  assert.equal(await gate.login(PASSWORD), 2000);
  now += 2000;
  // Parallel guesses are checked one at a time: the first locks the rest out.
  const guesses = await Promise.all(["e", "f", PASSWORD].map((p) => gate.login(p)));
  assert.deepEqual(guesses, ["wrong", 4000, 4000]);
  now += 4000;
  const session = await gate.login(PASSWORD);
  assert.equal(typeof session, "object");
});
