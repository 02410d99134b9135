/** The page's style sheet: system fonts, one column at phone width, visible focus. */
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d0d7de; --accent: #1971c2;
  --on: #2f9e44; --bad: #c92a2a; font-family: system-ui, sans-serif; font-size: 15px; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: .5rem 1rem;
  display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
header strong { margin-right: .5rem; }
nav { display: flex; flex-wrap: wrap; gap: .25rem .75rem; }
nav a { color: var(--accent); text-decoration: none; padding: .25rem 0; }
nav a[aria-current="page"] { font-weight: 600; border-bottom: 2px solid var(--accent); }
main { padding: 1rem; max-width: 1100px; margin: 0 auto; }
h1 { font-size: 1.3rem; margin: 0 0 .75rem; }
h2 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
button, input, select { font: inherit; padding: .35rem .7rem; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; color: var(--fg); }
button { cursor: pointer; }
button:hover { background: #eef1f4; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
label { display: block; margin: .5rem 0 .2rem; font-size: .9rem; color: var(--muted); }
form.row { display: flex; flex-wrap: wrap; gap: .4rem; align-items: end; margin-bottom: .5rem; }
form.row label { margin: 0; }
.state-on { color: var(--on); font-weight: 600; }
.state-off { color: var(--muted); font-weight: 600; }
.warn, .error { color: var(--bad); }
.owned { font-weight: 600; color: var(--on); }
.picture { overflow-x: auto; background: #fff; border: 1px solid var(--line); }
.picture svg { display: block; min-width: 720px; width: 100%; height: auto; }
.muted { color: var(--muted); }
ul.log { list-style: none; padding: 0; margin: 0; background: #fff; border: 1px solid var(--line);
  max-height: 70vh; overflow-y: auto; font-family: ui-monospace, monospace; font-size: .85rem; }
ul.log li { padding: .25rem .5rem; border-bottom: 1px solid #eef1f4; }
.login { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.5rem;
  border: 1px solid var(--line); border-radius: 8px; }
.login input { width: 100%; }
.login button { margin-top: 1rem; }
@media (max-width: 600px) {
  main { padding: .5rem; }
  table.sockets thead { display: none; }
  table.sockets tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.sockets td { display: block; border: 0; padding: .15rem .5rem; }
  table.sockets td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
`;
