import { type Entry, isScalar, isSeq, type YamlNode, type YamlSource } from "../yaml_source.ts";
import { MAX_AUTOMATIONS } from "../limits.ts";
import { didYouMean } from "../../util/suggest.ts";
import type { AutomationAllow, AutomationEntry } from "../types.ts";

const FIELDS = ["name", "script", "allow", "options"];
const PERMISSIONS = ["net", "read", "write", "env"] as const;
const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/i;
const SCRIPT = /\.(?:ts|mts|js|mjs)$/;
const EXAMPLE = "such as '- script: ./automations/link.ts'";

/**
 * Reads `automations:`, a list of `{script, name?, allow?, options?}`. Whether each script
 * exists is for the daemon and `s20 schedule check` to find: this layer reads no files.
 *
 * @returns The entries, or `null` when any is wrong.
 */
export function readAutomations(
  source: YamlSource,
  entry: Entry | undefined,
): AutomationEntry[] | null {
  if (entry === undefined || entry.value === null) return [];
  const node = entry.value;
  if (!isSeq(node)) {
    source.report(node, `'automations' must be a list, one item per script, ${EXAMPLE}`);
    return null;
  }
  if (node.items.length > MAX_AUTOMATIONS) {
    source.report(
      node,
      `the schedule has ${node.items.length} automations, over the limit of ${MAX_AUTOMATIONS}`,
    );
    return null;
  }
  const out: AutomationEntry[] = [];
  const names = new Map<string, number>();
  let sound = true;
  for (const item of node.items) {
    const read = readAutomation(source, source.resolve(item) ?? (item as YamlNode | null));
    if (read === null) {
      sound = false;
      continue;
    }
    const first = names.get(read.name);
    if (first !== undefined) {
      source.report(
        read.at,
        `two automations are named '${read.name}' (first at line ${first}); ` +
          "give one a 'name:' of its own",
      );
      sound = false;
      continue;
    }
    names.set(read.name, read.entry.line);
    out.push(read.entry);
  }
  return sound ? out : null;
}

function readAutomation(
  source: YamlSource,
  node: YamlNode | null,
): { entry: AutomationEntry; name: string; at: YamlNode } | null {
  const map = source.asMap(node);
  if (map === null || node === null) {
    source.report(node ?? 0, `an automation is a mapping with 'script:', ${EXAMPLE}`);
    return null;
  }
  if (source.hasSyntaxErrorIn(map)) return null;
  const fields = new Map<string, Entry>();
  let sound = true;
  for (const field of source.entries(map, (key) => `duplicate key '${key}' in automation`)) {
    if (!FIELDS.includes(field.key)) {
      source.report(
        field.keyNode,
        `unknown key '${field.key}' in automation${didYouMean(field.key, FIELDS)}; ` +
          `an automation has ${FIELDS.join(", ")}`,
      );
      sound = false;
      continue;
    }
    fields.set(field.key, field);
  }
  const scriptNode = fields.get("script")?.value ?? null;
  const script = scriptNode !== null && isScalar(scriptNode) ? String(scriptNode.value) : "";
  if (scriptNode === null || !SCRIPT.test(script)) {
    source.report(
      scriptNode ?? map,
      scriptNode === null
        ? `the automation has no 'script:'; ${EXAMPLE}`
        : `'script' must name a .ts or .js module relative to this file: current value is '${script}'`,
    );
    return null;
  }
  const nameNode = fields.get("name")?.value ?? null;
  const name = nameNode !== null && isScalar(nameNode)
    ? String(nameNode.value)
    : (script.split("/").pop() ?? script).replace(SCRIPT, "");
  if (!NAME.test(name)) {
    source.report(
      nameNode ?? scriptNode,
      `automation name '${name}' is not usable; use letters, digits, '-' and '_' ` +
        "(up to 32), or give a 'name:'",
    );
    sound = false;
  }
  const allow = readAllow(source, fields.get("allow"));
  const optionsEntry = fields.get("options");
  const options = optionsEntry?.value ? plainData(source, optionsEntry.value) : {};
  if (options === undefined || typeof options !== "object" || Array.isArray(options)) {
    source.report(
      optionsEntry?.value ?? map,
      "'options' must be a mapping, handed to the script as its 'options'",
    );
    return null;
  }
  if (allow === null || !sound) return null;
  const { line, column } = source.position(scriptNode);
  return {
    entry: { name, script, allow, options: options as Record<string, unknown>, line, column },
    name,
    at: nameNode ?? scriptNode,
  };
}

function readAllow(source: YamlSource, entry: Entry | undefined): AutomationAllow | null {
  if (entry === undefined || entry.value === null) return {};
  const map = source.asMap(entry.value);
  const example = "such as 'allow: { net: [api.example.org], read: [./data] }'";
  if (map === null) {
    source.report(entry.value, `'allow' maps permissions to lists, ${example}`);
    return null;
  }
  const allow: Record<string, string[]> = {};
  let sound = true;
  for (const field of source.entries(map, (key) => `duplicate permission '${key}'`)) {
    if (!(PERMISSIONS as readonly string[]).includes(field.key)) {
      source.report(
        field.keyNode,
        `unknown permission '${field.key}'${didYouMean(field.key, [...PERMISSIONS])}; ` +
          `an automation may be allowed ${PERMISSIONS.join(", ")} (it switches sockets ` +
          "through the daemon without any)",
      );
      sound = false;
      continue;
    }
    const value = field.value;
    const items = value === null ? [] : isSeq(value) ? value.items : [value];
    const words: string[] = [];
    for (const item of items) {
      const resolved = source.resolve(item);
      if (resolved === null || !isScalar(resolved) || String(resolved.value) === "") {
        source.report(resolved ?? field.keyNode, `'${field.key}' lists names, ${example}`);
        sound = false;
        continue;
      }
      words.push(String(resolved.value));
    }
    allow[field.key] = words;
  }
  return sound ? allow : null;
}

/** A YAML value as plain data (aliases followed); `undefined` for what has no plain form. */
function plainData(source: YamlSource, node: YamlNode | null, depth = 0): unknown {
  if (node === null) return null;
  if (depth > 16) return undefined;
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    return node.items.map((item) => plainData(source, source.resolve(item), depth + 1));
  }
  const map = source.asMap(node);
  if (map === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of source.entries(map, (key) => `duplicate key '${key}' in options`)) {
    out[field.key] = plainData(source, field.value, depth + 1);
  }
  return out;
}
