import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type YAMLMap,
  type YamlNode,
} from "./_deps.ts";
import { describeSyntaxError } from "./_yaml_syntax.ts";
import type { ScheduleIssue } from "./schedule_error.ts";

/** One `key: value` of a mapping, with the nodes to point messages at. */
export interface Entry {
  readonly key: string;
  readonly keyNode: YamlNode;
  /** The value, aliases resolved; `null` for `key:` with nothing after it. */
  readonly value: YamlNode | null;
}

/** A place to report: a node, or an offset in the text. */
export type Place = YamlNode | number;

/**
 * A parsed YAML text that keeps going after syntax errors: it reports each one and keeps the
 * partial tree, so schema errors elsewhere are still found. Parts containing a syntax error
 * are skipped by the schema checks, which would only repeat the same mistake.
 */
export class YamlSource {
  readonly file: string;
  readonly root: YamlNode | null;
  readonly issues: ScheduleIssue[] = [];
  readonly #lines = new LineCounter();
  readonly #syntaxOffsets: number[] = [];
  readonly #syntaxLines = new Set<number>();
  #syntaxIssues = 0;
  readonly #doc: ReturnType<typeof parseDocument>;

  constructor(text: string, file: string) {
    this.file = file;
    this.#doc = parseYaml(text, this.#lines);
    for (const error of this.#doc.errors) {
      const { offset, message } = describeSyntaxError(text, error);
      this.#syntaxOffsets.push(error.pos[0], offset);
      this.#syntaxLines.add(this.position(offset).line);
      this.#syntaxLines.add(this.position(error.pos[0]).line);
      this.report(offset, message);
    }
    this.#syntaxIssues = this.issues.length;
    this.root = this.resolve(this.#doc.contents);
  }

  /**
   * Every issue found. A schema issue on the line of a syntax error, or on the line before
   * it (a key whose value the error swallowed), is a consequence of that error and is left
   * out: it would send the reader to fix the wrong thing.
   */
  allIssues(): ScheduleIssue[] {
    return this.issues.filter((issue, i) =>
      i < this.#syntaxIssues ||
      !(this.#syntaxLines.has(issue.line) || this.#syntaxLines.has(issue.line + 1))
    );
  }

  /** Line and column (from 1) of a place. */
  position(place: Place): { line: number; column: number } {
    const offset = typeof place === "number" ? place : place.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  /** Records an issue at a place. */
  report(place: Place, message: string): void {
    this.issues.push({ file: this.file, ...this.position(place), message });
  }

  /** Whether a syntax error lies inside a node (so its schema checks would only add noise). */
  hasSyntaxErrorIn(node: YamlNode): boolean {
    const range = node.range;
    if (range === undefined || range === null) return false;
    return this.#syntaxOffsets.some((offset) => offset >= range[0] && offset <= range[2]);
  }

  /** Follows aliases; `null` for missing values and explicit `null`/`~`. */
  resolve(value: unknown): YamlNode | null {
    let node = value;
    // Bounded: an alias that resolves to another alias is legal but rare.
    for (let hops = 0; hops < 8 && isAlias(node); hops++) {
      node = node.resolve(this.#doc) ?? null;
    }
    if (node === null || node === undefined || isAlias(node)) return null;
    if (isScalar(node) && node.value === null) return null;
    return node as YamlNode;
  }

  /**
   * The entries of a mapping. A repeated key is reported at its second place (with the line of
   * the first) and only its first value is kept.
   */
  entries(map: YAMLMap, duplicateWhat: (key: string) => string): Entry[] {
    const seen = new Map<string, YamlNode>();
    const out: Entry[] = [];
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      if (keyNode === null || !isScalar(keyNode)) {
        if (keyNode !== null) this.report(keyNode, "a key must be a plain word; remove it");
        continue;
      }
      const key = String(keyNode.value);
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(
          keyNode,
          `${duplicateWhat(key)} (first at line ${this.position(first).line}); keep only one`,
        );
        continue;
      }
      seen.set(key, keyNode);
      out.push({ key, keyNode, value: this.resolve(item.value) });
    }
    return out;
  }

  /** The node as a mapping, or `null`. */
  asMap(node: YamlNode | null): YAMLMap | null {
    return node !== null && isMap(node) ? node : null;
  }
}

function parseYaml(text: string, lineCounter: LineCounter): ReturnType<typeof parseDocument> {
  try {
    // YAML 1.2: `on`, `off`, `yes` are plain words and "07:30" is not a sexagesimal number.
    // Duplicate keys are let through here and reported by us with both places.
    return parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      version: "1.2",
    });
  } catch (error) {
    // npm:yaml 2.x reads two debug variables for every token (its node build's parser and
    // composer); under Deno that needs a permission, and the bare NotCapable names neither us
    // nor the fix.
    if (error instanceof Deno.errors.NotCapable) {
      throw new Deno.errors.NotCapable(
        "Cannot parse schedule: the YAML parser (npm:yaml) reads the environment variables " +
          "LOG_TOKENS and LOG_STREAM; run with --allow-env=LOG_TOKENS,LOG_STREAM",
        { cause: error },
      );
    }
    throw error;
  }
}
