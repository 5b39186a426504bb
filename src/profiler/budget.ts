// The run's one time budget: every run after the baseline is charged to it, in the priority order
// of docs/profile-format.md (the base sweep, then the scaling curves, best family first), and a run
// it cannot afford is skipped with the reason, never silently dropped. A new kind of run joins the
// order by asking `affords` before it runs, `charge` after, and `skip` when it cannot.
import type { BudgetReport } from './profile';

/** Default budget: this many times the base sweep (serial and one run per family). */
export const BUDGET_BASE_SWEEPS = 3;

export class RunBudget {
  private spent = 0;
  private base: number | null = null;
  private readonly skips: BudgetReport['skipped'] = [];

  /** `explicitSeconds`: `--budget`; null for the default, known once the base sweep has run. */
  constructor(private readonly explicitSeconds: number | null) {}

  /** Seconds a run took, from spawn to exit: what the user waited for it. */
  charge(seconds: number): void {
    this.spent += Math.max(0, seconds);
  }

  /** The base sweep is done: the default budget becomes BUDGET_BASE_SWEEPS x what it took. */
  closeBaseSweep(): void {
    if (this.base === null) this.base = this.spent;
  }

  /** The budget in seconds, or null while the default one is not known yet. */
  get seconds(): number | null {
    if (this.explicitSeconds !== null) return this.explicitSeconds;
    return this.base === null ? null : BUDGET_BASE_SWEEPS * this.base;
  }

  get spentSeconds(): number {
    return this.spent;
  }

  /** Seconds left, Infinity while the default budget is not known (the base sweep always runs). */
  get leftSeconds(): number {
    const total = this.seconds;
    return total === null ? Infinity : Math.max(0, total - this.spent);
  }

  affords(estimatedSeconds: number): boolean {
    return estimatedSeconds <= this.leftSeconds;
  }

  /** Records a run left out; the reason says why in words a user can act on. */
  skip(strategy: string, reason: string): void {
    this.skips.push({ strategy, reason });
  }

  /** The reason a run of `estimatedSeconds` is skipped for the budget. */
  refusal(estimatedSeconds: number): string {
    const source = this.explicitSeconds !== null ? '--budget' : `${BUDGET_BASE_SWEEPS} x the base sweep`;
    return (
      `over the budget: ~${estimatedSeconds.toFixed(1)} s estimated, ${this.leftSeconds.toFixed(1)} ` +
      `s left of ${this.seconds!.toFixed(1)} s (${source}; raise --budget to run it)`
    );
  }

  report(): BudgetReport {
    return {
      seconds: round2(this.seconds ?? BUDGET_BASE_SWEEPS * this.spent),
      baseSweepSeconds: round2(this.base ?? this.spent),
      spentSeconds: round2(this.spent),
      skipped: [...this.skips],
    };
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
