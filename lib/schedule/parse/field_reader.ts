import { type Entry, isScalar, isSeq, type YamlNode, type YamlSource } from "../yaml_source.ts";
import type { Parsed } from "../notation/parsed.ts";
import { didYouMean } from "../../util/suggest.ts";

/** Reads the typed value of each field, reporting problems at the value. */
export class FieldReader {
  constructor(
    readonly source: YamlSource,
    readonly fields: Map<string, Entry>,
    readonly label: string,
    readonly map: YamlNode,
  ) {}

  /** The value node, reporting a missing value. `undefined` when the key is absent. */
  node(key: string): YamlNode | null | undefined {
    const entry = this.fields.get(key);
    if (entry === undefined) return undefined;
    if (entry.value === null) {
      this.source.report(
        entry.keyNode,
        `'${key}' in ${this.label} has no value; give one or remove the key`,
      );
      return null;
    }
    return entry.value;
  }

  /** A scalar as text (numbers allowed), `undefined` if absent, `null` if bad. */
  text(key: string): string | null | undefined {
    const node = this.node(key);
    if (node === undefined || node === null) return node;
    if (!isScalar(node)) {
      this.source.report(
        node,
        `'${key}' in ${this.label} must be a single value, not a list or map`,
      );
      return null;
    }
    return String(node.value);
  }

  /** A string field parsed by `parse`; numbers are refused, since times and durations need units. */
  string<T>(key: string, parse: (text: string) => Parsed<T>): T | null {
    const node = this.node(key);
    if (node === undefined || node === null) return null;
    if (!isScalar(node) || typeof node.value !== "string") {
      const shown = isScalar(node) ? String(node.value) : "a list or map";
      this.source.report(
        node,
        `'${key}' in ${this.label} must be text, not ${shown}; ${this.#quoteHint(key)}`,
      );
      return null;
    }
    const parsed = parse(node.value);
    if (parsed.error !== undefined) {
      this.source.report(node, parsed.error);
      return null;
    }
    return parsed.value;
  }

  /** One string or a list of strings, parsed together; `undefined` if absent, `null` if bad. */
  list<T>(key: string, parse: (items: string[]) => Parsed<T>): T | null | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (node === null) return null;
    const items: string[] = [];
    const nodes = isSeq(node) ? node.items.map((item) => this.source.resolve(item)) : [node];
    for (const item of nodes) {
      if (item === null || !isScalar(item) || typeof item.value !== "string") {
        this.source.report(
          item ?? node,
          `'${key}' in ${this.label} must be a word or a list of words, such as [mon, wed, fri]`,
        );
        return null;
      }
      items.push(item.value);
    }
    const parsed = parse(items);
    if (parsed.error !== undefined) {
      // Point at the offending item where one can be found.
      const bad = nodes.find((item) =>
        item !== null && isScalar(item) && parsed.error!.includes(`'${String(item.value).trim()}'`)
      );
      this.source.report(bad ?? node, parsed.error);
      return null;
    }
    return parsed.value;
  }

  /** One of a few words; the default when absent, `null` if bad. */
  choice<T extends string>(key: string, words: readonly T[], fallback: T): T | null {
    const node = this.node(key);
    if (node === undefined) return fallback;
    if (node === null) return null;
    const value = isScalar(node) ? String(node.value) : "";
    if ((words as readonly string[]).includes(value)) return value as T;
    this.source.report(
      node,
      `'${key}' must be ${words.map((w) => `'${w}'`).join(", ").replace(/, ([^,]*)$/, " or $1")}` +
        `, not '${isScalar(node) ? value : "a list or map"}'${didYouMean(value, words)}`,
    );
    return null;
  }

  #quoteHint(key: string): string {
    if (key === "at" || key === "on" || key === "off") {
      return 'write the time in quotes, such as "07:30"';
    }
    if (key === "random" || key === "catchUp") return "give a unit, such as 15m";
    return "put it in quotes";
  }
}
