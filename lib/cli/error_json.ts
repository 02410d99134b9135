/** The JSON form of the CLI's errors: the library's, plus `USAGE` for command-line mistakes. */
import { errorJson as libraryErrorJson } from "../error_json.ts";
import { UsageError } from "./usage_error.ts";

/** The JSON form of an error: `{"error": {"code", "message", …details}}`. */
export function errorJson(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof UsageError) return { error: { code: "USAGE", message: error.message } };
  return libraryErrorJson(error);
}
