/**
 * The web page in a real browser (headless Chromium) against `s20 schedule run --web` and
 * three emulated sockets on 127.0.120.2–4: the sockets page switches a relay and shows the
 * confirmed state, a button pressed on a socket shows without a reload, the schedule page
 * draws the week and shows a broken file's errors by line, and every page is photographed at
 * desktop and phone width (into the test's folder, or `$S20_SCREENSHOTS`).
 */
import assert from "node:assert/strict";
import type { Page } from "npm:puppeteer-core@25.19.0";
import { checkSchedule } from "../../lib/schedule/parse_schedule.ts";
import { emulators } from "../helpers/cli_run.ts";
import { Http, startScheduleDaemon } from "../helpers/daemon.ts";
import { chromiumOrSkip, launchBrowser } from "../helpers/browser.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const SCHEDULE = `timezone: Europe/London
location: { latitude: 51.5, longitude: -0.12 }
sockets:
  lamp: { ip: 127.0.120.2 }
  fan: { ip: 127.0.120.3 }
  heater: { ip: 127.0.120.4 }
rules:
  - { name: Morning, sockets: lamp, on: "07:00", off: "08:00" }
  - { name: Evening, sockets: fan, on: "18:00", off: "19:00" }
  - { name: Warm, sockets: heater, on: "06:00", off: "07:00" }
  - { name: Warm again, sockets: heater, on: "20:00", off: "21:00" }
`;

/** The same file with one rule broken on line 11 (an hour that does not exist). */
const BROKEN = SCHEDULE.replace('on: "20:00", off: "21:00"', 'on: "25:00", off: "21:00"');

// The functions given to the page run in the browser, where `document` is the page's.
// deno-lint-ignore no-explicit-any
declare const document: any;

const chromium = chromiumOrSkip("the web page's browser tests");

/** The text of the state cell of a socket's row. */
function stateOf(page: Page, alias: string): Promise<string> {
  return page.$eval(
    `tr[data-alias="${alias}"] [data-field="state"]`,
    (cell) => cell.textContent ?? "",
  );
}

/** Every control without a label: inputs and selects need a `<label for>` or `aria-label`. */
function unlabelled(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const missing: string[] = [];
    for (const c of document.querySelectorAll("input, select, textarea")) {
      const id = c.getAttribute("id");
      const labelled = c.hasAttribute("aria-label") ||
        (id !== null && document.querySelector(`label[for="${id}"]`) !== null);
      if (!labelled) missing.push(c.outerHTML);
    }
    for (const b of document.querySelectorAll("button")) {
      if (!(b.textContent ?? "").trim() && !b.hasAttribute("aria-label")) missing.push(b.outerHTML);
    }
    return missing;
  });
}

Deno.test({
  name: "the web page lists, switches and follows three sockets and draws their week",
  ignore: chromium === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using sockets = await emulators(120);
    await using dir = await tempDir();
    const shots = Deno.env.get("S20_SCREENSHOTS") ?? `${dir.path}/screenshots`;
    await Deno.mkdir(shots, { recursive: true });
    await using daemon = await startScheduleDaemon(SCHEDULE, [
      "--listen",
      "127.0.0.1:0",
      "--token-file",
      `${dir.path}/daemon.token`,
      "--web",
      // The doctor page's discovery goes to these sockets' block, never the machine's network.
      "--target",
      "127.0.120.0/29",
    ]);
    using http = new Http({ socket: daemon.socket });
    const link = (await http.request("GET", "/v1/web")).json.url as string;
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    assert.ok(daemon.io.err.includes(link), "the daemon printed the link when it started");

    await using browser = await launchBrowser(chromium!);
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(String(error)));

    // The link sets the session cookie and leaves the token out of the address bar.
    await page.goto(link);
    assert.equal(new URL(page.url()).search, "");
    await page.waitForSelector("body[data-ready]", { timeout: 5000 }).catch(async (e) => {
      throw new Error(`${e}: ${failures.join("; ")} ${await page.content()}`);
    });
    await page.waitForFunction(() =>
      document.querySelectorAll("table.sockets tbody tr").length === 3
    );
    const aliases = await page.$$eval(
      "table.sockets tbody tr td:nth-child(2)",
      (cells) => cells.map((c) => c.textContent),
    );
    assert.deepEqual(aliases, ["lamp", "fan", "heater"]);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.sockets [data-field="state"]')].every((c) =>
        c.textContent === "on" || c.textContent === "off"
      )
    );
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // Clicking a button switches the emulated relay; the page shows what the socket confirmed.
    const lamp = sockets[0]!;
    const want = !lamp.device.on;
    await page.click(`button[aria-label="Switch lamp ${want ? "on" : "off"}"]`);
    await page.waitForFunction(
      (text) =>
        document.querySelector('tr[data-alias="lamp"] [data-field="state"]')
          ?.textContent === text,
      { timeout: 5000 },
      want ? "on" : "off",
    );
    assert.equal(lamp.device.on, want);

    // A press of the fan's own button shows on the page, without a reload.
    const fan = sockets[1]!;
    const before = await stateOf(page, "fan");
    assert.equal(before, fan.device.on ? "on" : "off");
    const pressed = performance.now();
    fan.device.pressButton();
    const after = fan.device.on ? "on" : "off";
    await page.waitForFunction(
      (text) =>
        document.querySelector('tr[data-alias="fan"] [data-field="state"]')
          ?.textContent === text,
      { timeout: 5000, polling: "mutation" },
      after,
    );
    const shownMs = performance.now() - pressed;
    assert.equal(
      await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed),
      true,
      "the same page, not a reload",
    );
    await Deno.writeTextFile(
      `${shots}/button_press_latency.json`,
      JSON.stringify({ pressToPageMs: Math.round(shownMs) }) + "\n",
    );
    // deno-lint-ignore no-console
    console.log(`button press on the emulator to the page: ${shownMs.toFixed(0)} ms`);
    assert.deepEqual(await unlabelled(page), []);

    // The schedule page draws the week: bars per socket, a sunrise and a sunset a day.
    await page.goto(new URL("/#/schedule", link).href);
    await page.waitForSelector(".picture svg");
    const count = (selector: string) => page.$$eval(selector, (nodes) => nodes.length);
    assert.equal(await count('.picture svg rect.bar[data-socket="lamp"]'), 7);
    assert.equal(await count('.picture svg rect.bar[data-socket="fan"]'), 7);
    assert.equal(await count('.picture svg rect.bar[data-socket="heater"]'), 14);
    assert.equal(await count(".picture svg line.sunrise"), 7);
    assert.equal(await count(".picture svg line.sunset"), 7);
    assert.equal(await count(".picture svg line.now"), 1);
    assert.equal(await count("ul.errors li"), 0);

    // Screenshots of every page at desktop and phone width.
    await page.goto(new URL("/#/sockets", link).href);
    const lampTarget = await page.$eval('tr[data-alias="lamp"]', (row) => row.dataset.target);
    assert.equal(lampTarget, `${lamp.mac}@127.0.120.2`, "called by MAC once heard from");
    const pages = [
      ["sockets", "#/sockets", "table.sockets"],
      ["socket", `#/socket/${encodeURIComponent(lampTarget)}`, "tbody tr td"],
      ["schedule", "#/schedule", ".picture svg"],
      ["events", "#/events", "ul.log li"],
      ["doctor", "#/doctor", "ul.findings"],
    ] as const;
    for (const [width, height, suffix] of [[1280, 800, "desktop"], [375, 812, "phone"]] as const) {
      await page.setViewport({ width, height });
      for (const [name, hash, ready] of pages) {
        await page.goto(new URL(`/${hash}`, link).href);
        await page.waitForSelector("body[data-ready]");
        await page.waitForSelector(ready, { timeout: 10_000 });
        await page.screenshot({ path: `${shots}/${name}-${suffix}.png`, fullPage: true });
        assert.deepEqual(await unlabelled(page), [], `labels on ${name}`);
        if (suffix === "phone") {
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(wide <= width, `${name} fits ${width} px (is ${wide})`);
        }
      }
    }
    await page.setViewport({ width: 1280, height: 800 });

    // The doctor page words what `s20 doctor` finds, from a discovery by the daemon itself.
    await page.goto(new URL("/#/doctor", link).href);
    await page.waitForSelector("ul.findings li", { timeout: 10_000 });
    const findings = await page.$$eval(
      "ul.findings li",
      (items) => items.map((i) => i.textContent),
    );
    assert.deepEqual(findings, ["All good: 3 socket(s) answered."]);
    const discovered = await page.$$eval(
      "table.discovered tbody tr td:first-child",
      (cells) => cells.map((c) => c.textContent).sort(),
    );
    assert.deepEqual(discovered, sockets.map((s) => s.mac).sort());
    const probed = await page.$$eval(
      "table.known tbody tr",
      (rows) => rows.map((r) => [...r.children].slice(0, 3).map((c) => c.textContent).join(" ")),
    );
    assert.deepEqual(probed, [
      "lamp 127.0.120.2 answers",
      "fan 127.0.120.3 answers",
      "heater 127.0.120.4 answers",
    ]);

    await page.goto(new URL("/#/schedule", link).href);
    const picture = await page.waitForSelector(".picture");
    await picture!.screenshot({ path: `${shots}/schedule-week.png` });

    // A broken file: its errors, by line and column, above the week still running.
    await Deno.writeTextFile(daemon.file, BROKEN);
    const expected = checkSchedule(BROKEN, { file: daemon.file }).issues;
    assert.ok(expected.length > 0 && expected.every((e) => e.line === 11));
    await page.click("button ::-p-text(Reload the schedule file)");
    await page.waitForSelector("ul.errors li");
    const shown = await page.$$eval("ul.errors li", (items) => items.map((i) => i.textContent));
    assert.deepEqual(
      shown,
      expected.map((e) => `line ${e.line}, column ${e.column}: ${e.message}`),
    );
    assert.match(
      await page.$eval('[role="status"]', (s) => s.textContent ?? ""),
      /errors/,
      "the reload says it failed",
    );
    await page.screenshot({ path: `${shots}/schedule-errors-desktop.png`, fullPage: true });
    assert.deepEqual(failures, [], "no script errors");
  },
});
