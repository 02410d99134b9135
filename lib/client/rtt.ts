/**
 * Retransmission timeout from measured round trips (Jacobson/Karels, RFC 6298 §2), shared by
 * every socket on one endpoint: they sit on the same LAN, so one socket's replies teach us
 * how long to wait for the others. Real sockets answer in 5–300 ms (docs/protocol.md#latencies).
 */
export class RttEstimator {
  #srtt: number | null = null;
  #rttvar = 0;
  readonly #initial: number;
  readonly #min: number;
  readonly #max: number;

  constructor(options: { initialMs?: number; minMs?: number; maxMs?: number } = {}) {
    const { initialMs = 150, minMs = 25, maxMs = 2000 } = options;
    this.#initial = initialMs;
    this.#min = minMs;
    this.#max = maxMs;
  }

  /** Records a round trip of a request that was sent once (Karn: never a resent one). */
  sample(ms: number): void {
    if (!(ms >= 0)) return;
    if (this.#srtt === null) {
      this.#srtt = ms;
      this.#rttvar = ms / 2;
    } else {
      this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - ms);
      this.#srtt = 0.875 * this.#srtt + 0.125 * ms;
    }
  }

  /** How long to wait for the first reply before sending again. */
  get timeoutMs(): number {
    if (this.#srtt === null) return this.#initial;
    return Math.min(this.#max, Math.max(this.#min, this.#srtt + Math.max(5, 4 * this.#rttvar)));
  }
}
