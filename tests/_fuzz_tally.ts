// What the fuzz suite's attackers saw (tests/_fuzz.ts), summed over a run.

/** What the attackers saw, summed over the run. */
export class FuzzTally {
  /** Messages sent, by kind. */
  readonly sent: Record<string, number> = {};
  /** Error codes answered, by code. */
  readonly codes: Record<string, number> = {};
  /** Closes seen, by code (1006: dropped with no close frame). */
  readonly closes: Record<string, number> = {};
  /** Answers that were not the predicted ones, and other broken promises. */
  readonly mismatches: string[] = [];

  count(kind: string, n = 1): void {
    this.sent[kind] = (this.sent[kind] ?? 0) + n;
  }

  code(code: string): void {
    this.codes[code] = (this.codes[code] ?? 0) + 1;
  }

  close(code: number): void {
    this.closes[code] = (this.closes[code] ?? 0) + 1;
  }

  wrong(what: string): void {
    if (this.mismatches.length < 50) this.mismatches.push(what);
  }

  get messages(): number {
    return Object.values(this.sent).reduce((a, b) => a + b, 0);
  }
}
