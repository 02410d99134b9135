/**
 * Wi-Fi pairing for the S20 (docs/protocol.md#pairing): validation of the settings, the HF-LPB100
 * AT commands of AP mode (UDP 48899), and smartlink, which carries the password in datagram lengths
 * (UDP 49999) — as pure codecs — and the client that uses them: {@linkcode pairApMode}, {@linkcode
 * pairSmartlink}, {@linkcode setUpPairedSocket} for what follows, and {@linkcode changeWifi} for a
 * socket already on the LAN. Keys travel as {@linkcode WifiKey}, which prints as `[redacted]`;
 * progress is reported through `onStep`, never printed.
 *
 * @example Build the AP-mode commands for a network
 * ```ts
 * import { apPairingRequests, encodeAtRequest, validateWifiSettings } from "@s20/s20/pairing";
 *
 * const settings = validateWifiSettings({ ssid: "home", key: "correct horse" });
 * const datagrams = apPairingRequests(settings).map((request) => encodeAtRequest(request));
 * ```
 *
 * @module
 */
export { PairingError, type PairingErrorCode, type PairingField } from "./errors.ts";
export { WifiKey } from "./wifi_key.ts";
export {
  MAX_SSID_BYTES,
  validateSmartlinkPassword,
  validateWifiSettings,
  type WifiAuth,
  type WifiEncryption,
  type WifiSettings,
  type WifiSettingsInput,
} from "./wifi_settings.ts";
export {
  AP_MODE,
  apPairingRequests,
  ASSIST_PASSWORD,
  AT_ERROR,
  AT_MODE_ACK,
  type AtDecodeOptions,
  type AtEncodeOptions,
  type AtErrorCode,
  atErrorMeaning,
  type AtMalformed,
  type AtRequest,
  decodeAtRequest,
  describeAtRequest,
  encodeAtRequest,
  expectsReply,
  HF_AT_PORT,
} from "./hf_at.ts";
export {
  type AtReply,
  type AtScanEntry,
  decodeAtReply,
  encodeAtReply,
  formatScanValue,
  parseKeyValue,
  parseScanValue,
} from "./hf_at_reply.ts";
export {
  encodeSmartlink,
  SMARTLINK,
  SMARTLINK_PORT,
  type SmartlinkEncodeOptions,
  type SmartlinkPacket,
  type SmartlinkPart,
  smartlinkPayload,
  SmartlinkSequence,
} from "./smartlink.ts";
export {
  SmartlinkDecoder,
  type SmartlinkDecoderOptions,
  type SmartlinkDecoderStatus,
} from "./smartlink_decoder.ts";
export {
  decodeSmartlinkAnnouncement,
  encodeModuleInfoAnnouncement,
  encodeSmartConfigAnnouncement,
  moduleInfoMacFor,
  type SmartlinkAnnouncement,
} from "./smartlink_announce.ts";
export type { PairingStep, PairingStepName } from "./pairing_step.ts";
export type { AtExchangeOptions, AtModuleInfo } from "./at_exchange.ts";
export { type ApPairingOptions, pairApMode } from "./ap_pairing.ts";
export { changeWifi, type ChangeWifiOptions } from "./wifi_change.ts";
export {
  pairSmartlink,
  type SmartlinkPairingOptions,
  type SmartlinkPairingResult,
} from "./smartlink_sender.ts";
export {
  type PairedSocket,
  type SetUpController,
  type SetUpOptions,
  setUpPairedSocket,
} from "./after_pairing.ts";
