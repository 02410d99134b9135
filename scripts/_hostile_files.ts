/**
 * Hostile inputs for the file-reading benchmarks and tests: small files that would cost a
 * reader far more than their size if it trusted them.
 */

/**
 * A schedule whose YAML aliases multiply: one anchored rule that switches `sockets` names
 * (one alias, repeated), used `rules` times. Each use carries a bad time, so a reader that
 * expands it reports one error per rule.
 */
export function aliasBomb(rules = 20_000, sockets = 10_000): string {
  const names = Array.from({ length: sockets }, () => "s").join(",");
  const lines = [
    "timezone: UTC",
    "sockets: {s: {ip: 192.0.2.1}}",
    `list: &list [${names}]`,
    "rules:",
    "  - &r {sockets: *list, at: '25:00', action: on}",
  ];
  for (let i = 1; i < rules; i++) lines.push("  - *r");
  return lines.join("\n") + "\n";
}

/**
 * A valid schedule just under the size limits: `rules` event rules on one socket, each with a
 * long list of excepted days. Checking it takes a second or more of CPU.
 */
export function largeSchedule(rules = 1_000, except = 40, ip = "192.0.2.1"): string {
  const lines = ["timezone: UTC", `sockets: {lamp: {ip: ${ip}}}`, "rules:"];
  const days = Array.from({ length: except }, (_, d) => {
    const month = String(1 + (d % 12)).padStart(2, "0");
    const day = String(1 + Math.floor(d / 12)).padStart(2, "0");
    return `${month}-${day}`;
  }).join(", ");
  for (let i = 0; i < rules; i++) {
    const h = String(Math.floor(i / 60) % 24).padStart(2, "0");
    const m = String(i % 60).padStart(2, "0");
    const s = String(Math.floor(i / 1440)).padStart(2, "0");
    lines.push(`  - {sockets: [lamp], at: "${h}:${m}:${s}", action: on, except: [${days}]}`);
  }
  return lines.join("\n") + "\n";
}
