/**
 * Why the broker connection failed, in words a user can act on. TLS verification errors come
 * as OpenSSL-style codes whose messages ("self-signed certificate in certificate chain") do not
 * say what to do about them.
 */

/** Codes that mean: no CA we trust signed the broker's certificate. */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** Codes that mean: the certificate is outside its validity period. */
const OUT_OF_DATE = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);

/**
 * The text of a broker connection error: TLS verification failures say what is wrong with the
 * certificate and how to fix it, anything else is the error's own message.
 */
export function brokerErrorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error.message;
  if (UNTRUSTED.has(code)) {
    return `its TLS certificate is not trusted (${error.message}): trust the CA that signed it ` +
      "(ca_file: in the mqtt: section, the bridge's `ca` option)";
  }
  if (OUT_OF_DATE.has(code)) return `its TLS certificate is not valid now (${error.message})`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return `its TLS certificate is for another host (${error.message}): connect by a name or ` +
      "address the certificate holds";
  }
  return error.message;
}
