/**
 * The `mqtt:` section of the config file and the `--mqtt` flags, read into the bridge's
 * options. The password comes from a file or an environment variable, never from the command
 * line or the config file itself, so it shows in no process list, shell history or backup.
 *
 * ```yaml
 * mqtt:
 *   url: mqtt://broker.lan:1883        # or mqtts://… with ca_file
 *   username: s20
 *   password_file: ~/.config/s20/mqtt.password   # or password_env: S20_MQTT_PASSWORD
 *   base_topic: s20                    # default s20
 *   discovery_prefix: homeassistant    # default homeassistant
 *   node_id: kitchen                   # default: the base topic
 *   client_id: s20-kitchen             # default s20-<random>
 *   discovery: true                    # Home Assistant discovery, default true
 * ```
 */
import { topicPrefixProblem } from "../mqtt/topics.ts";
import { expandHome } from "./config.ts";
import type { CliIo } from "./io.ts";
import { UsageError } from "./usage_error.ts";

/** Everything the CLI passes to `MqttBridge` besides the controller and sockets. */
export interface MqttSettings {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly ca?: string;
  readonly clientId?: string;
  readonly baseTopic?: string;
  readonly discoveryPrefix?: string;
  readonly nodeId?: string;
  readonly discovery?: boolean;
}

const KEYS = [
  "url",
  "username",
  "password_file",
  "password_env",
  "ca_file",
  "client_id",
  "base_topic",
  "discovery_prefix",
  "node_id",
  "discovery",
] as const;

/** Checks a broker URL: `mqtt://` or `mqtts://`, a host, no credentials, no path. */
export function checkBrokerUrl(text: string, where: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${where}: '${text.slice(0, 60)}' is not a URL such as mqtt://host:1883`);
  }
  if (url.protocol !== "mqtt:" && url.protocol !== "mqtts:") {
    throw new UsageError(`${where}: use mqtt:// or mqtts://, not ${url.protocol}//`);
  }
  if (url.username !== "" || url.password !== "") {
    // The URL would be seen in process lists and logs: refuse it, whole, without echoing it.
    throw new UsageError(
      `${where}: put no user name or password in the URL; use 'username:' and 'password_file:' ` +
        "or 'password_env:' in the mqtt: section, or --mqtt-password-file",
    );
  }
  if (url.hostname === "" || (url.pathname !== "" && url.pathname !== "/")) {
    throw new UsageError(`${where}: expected mqtt://HOST[:PORT] with nothing after the port`);
  }
  return `${url.protocol}//${url.host}`;
}

function readSecret(path: string, where: string, io: CliIo): string {
  let text: string;
  try {
    text = Deno.readTextFileSync(expandHome(path, io));
  } catch (error) {
    throw new UsageError(
      `${where}: cannot read the password file '${path}': ${(error as Error).message}`,
    );
  }
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new UsageError(`${where}: the password file '${path}' is empty`);
  return password;
}

/**
 * The bridge settings from the config's `mqtt:` section and the flags, or `null` when neither
 * asks for a bridge. `--mqtt URL` overrides the section's `url`; `--mqtt-password-file` its
 * password.
 */
export function mqttSettings(
  io: CliIo,
  config: { readonly section: unknown; readonly file: string } | undefined,
  flags: { readonly url?: string | undefined; readonly passwordFile?: string | undefined },
): MqttSettings | null {
  const where = config ? `${config.file}: mqtt` : "mqtt";
  const section = config?.section ?? {};
  if (section === null || typeof section !== "object" || Array.isArray(section)) {
    throw new UsageError(`${where}: expected a map with url, username, password_file, …`);
  }
  const s = section as Record<string, unknown>;
  if ("password" in s) {
    throw new UsageError(
      `${where}: a password is never written in the config; use password_file: or password_env:`,
    );
  }
  const unknown = Object.keys(s).find((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new UsageError(`${where}: unknown key '${unknown}' (use ${KEYS.join(", ")})`);
  }
  const text = (key: typeof KEYS[number]): string | undefined => {
    const value = s[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") {
      throw new UsageError(`${where}.${key}: expected a non-empty string`);
    }
    return value;
  };
  const rawUrl = flags.url ?? text("url");
  if (rawUrl === undefined) {
    if (config) throw new UsageError(`${where}: give url: mqtt://HOST[:PORT] (or --mqtt URL)`);
    if (flags.passwordFile !== undefined) {
      throw new UsageError("--mqtt-password-file needs --mqtt URL or an mqtt: section");
    }
    return null;
  }
  const url = checkBrokerUrl(rawUrl, flags.url !== undefined ? "--mqtt" : `${where}.url`);
  for (const key of ["base_topic", "discovery_prefix", "node_id"] as const) {
    const value = text(key);
    const problem = value === undefined ? null : topicPrefixProblem(value);
    if (problem) throw new UsageError(`${where}.${key}: '${value}' ${problem}`);
  }
  if (s.discovery !== undefined && typeof s.discovery !== "boolean") {
    throw new UsageError(`${where}.discovery: expected true or false`);
  }
  let password: string | undefined;
  const passwordFile = flags.passwordFile ?? text("password_file");
  const passwordEnv = text("password_env");
  if (passwordFile !== undefined) {
    password = readSecret(
      passwordFile,
      flags.passwordFile ? "--mqtt-password-file" : `${where}.password_file`,
      io,
    );
  } else if (passwordEnv !== undefined) {
    password = io.env(passwordEnv);
    if (!password) {
      throw new UsageError(`${where}.password_env: the variable ${passwordEnv} is not set`);
    }
  }
  const caFile = text("ca_file");
  let ca: string | undefined;
  if (caFile !== undefined) {
    if (!url.startsWith("mqtts:")) {
      throw new UsageError(`${where}.ca_file: only for mqtts:// URLs`);
    }
    try {
      ca = Deno.readTextFileSync(expandHome(caFile, io));
    } catch (error) {
      throw new UsageError(
        `${where}.ca_file: cannot read '${caFile}': ${(error as Error).message}`,
      );
    }
    // Anything else would be ignored by TLS, and every connection would fail as "not trusted".
    // The file is not echoed: it might be the password file by mistake.
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new UsageError(
        `${where}.ca_file: '${caFile}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      );
    }
  }
  const username = text("username");
  const clientId = text("client_id");
  const baseTopic = text("base_topic");
  const discoveryPrefix = text("discovery_prefix");
  const nodeId = text("node_id");
  return {
    url,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(ca !== undefined ? { ca } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(baseTopic !== undefined ? { baseTopic } : {}),
    ...(discoveryPrefix !== undefined ? { discoveryPrefix } : {}),
    ...(nodeId !== undefined ? { nodeId } : {}),
    ...(typeof s.discovery === "boolean" ? { discovery: s.discovery } : {}),
  };
}
