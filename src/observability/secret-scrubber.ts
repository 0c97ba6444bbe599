/**
 * Remembers every secret value the daemon has seen (API keys from WITH options, connections
 * and resolved '${ENV}' references) and blanks them out of any text before it leaves the
 * process: log lines, error messages, SHOW CREATE output.
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  add(secret: string | undefined): void {
    // Very short values would blank out ordinary words; real keys are long.
    if (!secret || secret.length < 6 || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    const forms = [...this.#secrets].flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
    this.#pattern = new RegExp([...new Set(forms)].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  }

  scrub(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, '***') : text;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
