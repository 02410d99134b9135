/** Turns npm:yaml's syntax errors into a place a person should look and a fix. */

/** The parts of a yaml 2.x `YAMLError` we use. */
export interface YamlErrorLike {
  readonly code: string;
  readonly message: string;
  readonly pos: readonly [number, number];
}

// A fix for each YAML syntax error code (codes from yaml 2.x `ErrorCode`).
const HINTS: Record<string, string> = {
  BAD_INDENT: "line up the entries of each map or list in one column",
  MULTILINE_IMPLICIT_KEY: "line up the entries of each map or list, and end each key with ': '",
  BLOCK_AS_IMPLICIT_KEY: "line up the entries of each map or list, and end each key with ': '",
  TAB_AS_INDENT: "indent with spaces; YAML does not allow tabs",
  BAD_SCALAR_START: "put the value in quotes",
  BAD_DQ_ESCAPE: "fix the escape sequence, or use single quotes",
  BAD_ALIAS: "define the anchor (&name) before using it (*name)",
  UNEXPECTED_TOKEN: "remove the stray text or put the value in quotes",
  BLOCK_IN_FLOW: "inside [ ] or { } write items on one line, separated by commas",
};

const CLOSERS: Record<string, string> = { "{": "}", "[": "]" };

/** Where to report a syntax error, and the message with its fix. */
export function describeSyntaxError(
  text: string,
  error: YamlErrorLike,
): { offset: number; message: string } {
  const offset = error.pos[0];
  const what = lowerFirst(error.message.replace(/\s+/g, " ").replace(/[.:]\s*$/, ""));
  if (error.code === "MULTIPLE_DOCS") {
    return {
      offset,
      message: "YAML syntax error: the file holds more than one document; keep one: " +
        "remove the '---' line and what follows it",
    };
  }
  const quote = /^missing closing (["'])quote/.exec(what)?.[1];
  if (quote !== undefined) {
    // The error sits where the text ran out; the mistake is the quote that was never closed.
    const opening = text.lastIndexOf(quote, offset - 1);
    return {
      offset: opening >= 0 ? opening : offset,
      message: `YAML syntax error: this ${quote} is never closed; add the closing ${quote}`,
    };
  }
  const bracket = /end with an? ([}\]])/.exec(what)?.[1];
  if (bracket !== undefined) {
    const opening = unclosedOpener(text, offset, bracket === "}" ? "{" : "[");
    if (opening >= 0) {
      return {
        offset: opening,
        message: `YAML syntax error: this ${text[opening]} is never closed; ` +
          `close it with ${CLOSERS[text[opening]!]}`,
      };
    }
  }
  const hint = HINTS[error.code] ??
    (/indicator|column|indent/.test(what) ? HINTS.BAD_INDENT! : "fix the YAML syntax here");
  return { offset: skipSpaces(text, offset), message: `YAML syntax error: ${what}; ${hint}` };
}

/** The last `open` before `offset` that has no matching closer before `offset`. */
function unclosedOpener(text: string, offset: number, open: string): number {
  const close = CLOSERS[open]!;
  let depth = 0;
  for (let i = Math.min(offset, text.length) - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === close) depth++;
    else if (ch === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** An indentation error points at the start of its line; the text that is off starts later. */
function skipSpaces(text: string, offset: number): number {
  let i = offset;
  while (text[i] === " ") i++;
  return text[i] === "\n" || i >= text.length ? offset : i;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
