/**
 * Headless Chromium from the distribution (`apt-get install chromium`), driven by
 * `puppeteer-core`, which never downloads a browser of its own. Tests that need it say so
 * plainly and skip only when it is missing.
 */
import puppeteer, { type Browser } from "npm:puppeteer-core@25.19.0";

/** Where the browser is: `$S20_CHROMIUM`, or the distribution's. */
function chromiumPath(): string | null {
  const candidates = [
    Deno.env.get("S20_CHROMIUM"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
  ].filter((p): p is string => Boolean(p));
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return null;
}

/** The browser's path, or `null` after saying why the tests that need it skip. */
export function chromiumOrSkip(what: string): string | null {
  const path = chromiumPath();
  if (path === null) {
    // deno-lint-ignore no-console
    console.warn(
      `skipping ${what}: Chromium is missing (apt-get install chromium, or set S20_CHROMIUM)`,
    );
  }
  return path;
}

/** A headless browser with a fresh profile, closed (and its profile removed) on dispose. */
export async function launchBrowser(path: string): Promise<Browser & AsyncDisposable> {
  const profile = await Deno.makeTempDir({ prefix: "s20-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: path,
    userDataDir: profile,
    headless: true,
    args: [
      // As root (CI, containers) Chromium's sandbox cannot start.
      ...(Deno.uid?.() === 0 ? ["--no-sandbox"] : []),
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return Object.assign(browser, {
    async [Symbol.asyncDispose]() {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  });
}
