/**
 * The schedule's npm dependencies, each pinned once. Full `npm:` specifiers (not an import map)
 * so that a script importing this module by URL resolves them without our deno.json.
 */

// croner 11 is required: 10.x shifts gap times and can go backwards through a DST gap
// (docs/scheduling.md#croners-dst-behaviour-measured).
export { Cron, type CronOptions } from "npm:croner@11.0.1";
export * as Astronomy from "npm:astronomy-engine@2.1.19";
export {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "npm:yaml@2.9.1";
