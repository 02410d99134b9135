/**
 * Throwaway TLS certificates for tests, made with `openssl` in the test's temporary folder: a CA
 * and a server certificate it signs for a loopback IP address. Nothing here is trusted by the
 * system; each lives two days at most and is deleted with its folder.
 */
import { findTool } from "./find_tool.ts";

/** A certificate and its private key, as PEM files. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/** Whether tests of `what` must skip because `openssl` is missing; says so on stderr. */
export function opensslMissing(what: string): boolean {
  if (findTool("openssl")) return false;
  // deno-lint-ignore no-console
  console.warn(`skipping ${what}: openssl not installed (apt-get install openssl)`);
  return true;
}

async function openssl(args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(findTool("openssl")!, {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

// P-256 keys: quick to make, and every TLS stack (Mosquitto's OpenSSL, Deno's) takes them.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A self-signed CA named `name`: `DIR/NAME.pem` and `DIR/NAME.key`. */
export async function makeCa(dir: string, name: string): Promise<CertFiles> {
  const files = { cert: `${dir}/${name}.pem`, key: `${dir}/${name}.key` };
  await openssl([
    "req",
    "-x509",
    ...NEW_KEY,
    "-keyout",
    files.key,
    "-out",
    files.cert,
    "-days",
    "2",
    "-subj",
    `/CN=s20 test ${name}`,
  ]);
  return files;
}

/**
 * A server certificate for the IP address `ip` (subjectAltName IP:…), signed by `ca`:
 * `DIR/NAME.pem` and `DIR/NAME.key`.
 */
export async function makeServerCert(
  dir: string,
  name: string,
  ca: CertFiles,
  ip: string,
): Promise<CertFiles> {
  const files = { cert: `${dir}/${name}.pem`, key: `${dir}/${name}.key` };
  const request = `${dir}/${name}.csr`;
  const extensions = `${dir}/${name}.ext`;
  await openssl(["req", ...NEW_KEY, "-keyout", files.key, "-out", request, "-subj", `/CN=${ip}`]);
  await Deno.writeTextFile(
    extensions,
    [
      `subjectAltName=IP:${ip}`,
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  const serial = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  await openssl([
    "x509",
    "-req",
    "-in",
    request,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-set_serial",
    `0x${serial}`,
    "-days",
    "2",
    "-extfile",
    extensions,
    "-out",
    files.cert,
  ]);
  return files;
}
