/**
 * YAML read with positions: every problem becomes a `file:line:column` issue, syntax errors
 * included, and reading goes on after them. Public to the rest of lib/ on purpose: the CLI's
 * config file is read with it, so both files report alike. Not part of the
 * `@s20/s20/schedule` API.
 *
 * npm:yaml is pinned here only; the readers of the tree take its node guards from this file.
 *
 * @example
 * ```ts
 * import { isScalar, YamlSource } from "./yaml_source.ts";
 * import assert from "node:assert/strict";
 *
 * const source = new YamlSource("a: 1\nb: [\n", "f.yaml");
 * assert.match(source.allIssues()[0]!.message, /this \[ is never closed/);
 * const root = source.asMap(source.root);
 * const a = root && source.entries(root, (key) => `duplicate key '${key}'`)[0];
 * assert.ok(a && a.value !== null && isScalar(a.value));
 * ```
 *
 * @module
 */
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
  type YAMLMap,
} from "npm:yaml@2.9.1";
import { MAX_EXPANDED_VALUES, MAX_NESTING } from "./limits.ts";
import { describeSyntaxError } from "./parse/yaml_syntax.ts";
import type { ScheduleIssue } from "./schedule_error.ts";

export { isScalar, isSeq, type Node as YamlNode } from "npm:yaml@2.9.1";

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
  /** What each alias stands for, found in one pass (npm:yaml's own lookup scans the file). */
  readonly #targets = new Map<unknown, unknown>();

  constructor(text: string, file: string) {
    this.file = file;
    const doc = parseYaml(text, this.#lines);
    for (const error of doc.errors) {
      const { offset, message } = describeSyntaxError(text, error);
      this.#syntaxOffsets.push(error.pos[0], offset);
      this.#syntaxLines.add(this.position(offset).line);
      this.#syntaxLines.add(this.position(error.pos[0]).line);
      this.report(offset, message);
    }
    this.#syntaxIssues = this.issues.length;
    this.#findAnchors(doc.contents);
    const size = expandedSize(doc.contents, this.#targets);
    if (size !== "ok") {
      this.report(
        size.at ?? 0,
        size.why === "values"
          ? `the file holds more than ${MAX_EXPANDED_VALUES} values once its aliases (*name) ` +
            `are expanded; a schedule needs far fewer: write the rules out, or split the file`
          : size.why === "nesting"
          ? `mappings and lists are nested more than ${MAX_NESTING} deep here (aliases ` +
            `followed); a schedule needs a few levels: flatten it`
          : "this alias (*name) refers to a value it is inside of, which never ends; " +
            "refer to an anchor defined outside it",
      );
      this.#syntaxIssues = this.issues.length;
      this.root = null;
      return;
    }
    this.root = this.resolve(doc.contents);
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
      node = this.#targets.get(node) ?? null;
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

  /**
   * Pairs each alias with the last node before it that carries its anchor, as YAML says,
   * walking the tree once in document order (without recursion: nesting may be deep).
   */
  #findAnchors(root: unknown): void {
    const anchors = new Map<string, unknown>();
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isPair(node)) {
        stack.push(node.value, node.key);
        continue;
      }
      if (isAlias(node)) {
        this.#targets.set(node, anchors.get(node.source) ?? null);
        continue;
      }
      const anchor = (node as { anchor?: string } | null | undefined)?.anchor;
      if (anchor) anchors.set(anchor, node);
      if (isCollection(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
      }
    }
  }
}

type SizeProblem = { why: "values" | "nesting" | "cycle"; at: YamlNode | null };

/**
 * Whether the tree stays within {@linkcode MAX_EXPANDED_VALUES} values and
 * {@linkcode MAX_NESTING} levels once aliases are expanded. Each node is sized once, so a file
 * of aliases of aliases costs its length, not what it expands to.
 */
function expandedSize(root: unknown, targets: ReadonlyMap<unknown, unknown>): "ok" | SizeProblem {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let problem: SizeProblem | null = null;
  const size = (node: unknown, depth: number, via: YamlNode | null): number => {
    if (problem !== null) return 0;
    if (isAlias(node)) return size(targets.get(node), depth, via ?? node);
    if (isPair(node)) return size(node.key, depth, via) + size(node.value, depth, via);
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (depth > MAX_NESTING) {
      problem = { why: "nesting", at: via ?? node };
      return 0;
    }
    if (open.has(node)) {
      problem = { why: "cycle", at: via ?? node };
      return 0;
    }
    open.add(node);
    let total = 1;
    for (const item of node.items) {
      total += size(item, depth + 1, via);
      if (total > MAX_EXPANDED_VALUES) {
        problem ??= { why: "values", at: via ?? node };
        break;
      }
    }
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  const total = size(root, 0, null);
  if (problem === null && total > MAX_EXPANDED_VALUES) problem = { why: "values", at: null };
  return problem ?? "ok";
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
