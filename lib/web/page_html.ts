/** The page's HTML: the shell the script fills, and the login and "open the link" pages. */

/** Text made safe inside HTML. */
function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function document(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<link rel="stylesheet" href="/app.css">
${head}</head>
<body>
${body}
</body>
</html>
`;
}

/** The application: navigation and a main area the script fills by the address's `#`. */
export function appPage(csrf: string, mode: string): string {
  return document(
    "s20",
    `<header>
<strong>s20</strong>
<nav aria-label="Pages">
<a href="#/sockets">Sockets</a>
<a href="#/schedule">Schedule</a>
<a href="#/events">Events</a>
<a href="#/doctor">Doctor</a>
</nav>
<button type="button" id="logout">Log out</button>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>`,
    `<meta name="s20-csrf" content="${html(csrf)}">
<meta name="s20-mode" content="${html(mode)}">
<script type="module" src="/app.js"></script>
`,
  );
}

/** The login form of a listener that asks for the password. */
export function loginPage(message: string | null): string {
  return document(
    "s20 — log in",
    `<main><form class="login" method="post" action="/login">
<h1>s20</h1>
${message ? `<p class="error" role="alert">${html(message)}</p>` : ""}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Log in</button>
</form></main>`,
  );
}

/** What a loopback listener shows to a browser without a session. */
export function linkPage(): string {
  return document(
    "s20",
    `<main><div class="login">
<h1>s20</h1>
<p>Open the link the daemon printed when it started (it carries a token), or print it again
with <code>s20 web url</code>.</p>
</div></main>`,
  );
}
