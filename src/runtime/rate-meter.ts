/**
 * Per-second rate of a growing counter over a recent window (rows/s in and out for status):
 * samples (time, value) taken at a steady pace, the rate is the growth between the oldest
 * sample still inside the window and the newest. Time comes from the caller (a clock), so the
 * figures are exact under virtual time.
 */
export class RateMeter {
  readonly #windowMs: number;
  #samples: Array<{ at: number; value: number }> = [];

  constructor(windowMs = 10_000) {
    this.#windowMs = windowMs;
  }

  sample(at: number, value: number): void {
    const last = this.#samples.at(-1);
    // A counter that went down belongs to a new run (a restart): start over.
    if (last && value < last.value) this.#samples = [];
    this.#samples.push({ at, value });
    const oldest = at - this.#windowMs;
    // Keep one sample at or before the window's start so the rate spans the whole window.
    while (this.#samples.length > 2 && this.#samples[1]!.at <= oldest) this.#samples.shift();
  }

  /** Per second, over the window; 0 until two samples are apart in time. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.value - first.value) * 1000) / (last.at - first.at);
  }
}
