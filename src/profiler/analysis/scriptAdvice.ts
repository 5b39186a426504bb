// Whole-script mode with measured what-ifs: the script as written against the same script with its
// own pools swapped (script+processes, script+threads) or resized (script-N), compared by exit code
// and stdout, speedups relative to the script as written.
import { parseStrategyId } from '../../shared/strategyId';
import type { Alternative, Recommendation, ScriptPool, Verdict } from '../profile';
import { baseName, speedup } from '../../shared/format';
import { label, type Facts, type StrategyFacts } from './facts';
import { SPEEDUP_MARGIN, disturbed, fastest, fastestFirst } from './margin';
import { projectSpeedup } from './projection';
import { curveOf, representatives, whyNotMore } from './workers';

/** What each pool API becomes when swapped, with the import it needs. */
const SWAPPED_API: Record<ScriptPool['api'], { name: string; from: string }> = {
  ThreadPoolExecutor: { name: 'ProcessPoolExecutor', from: 'from concurrent.futures import ProcessPoolExecutor' },
  ThreadPool: { name: 'Pool', from: 'from multiprocessing import Pool' },
  ProcessPoolExecutor: { name: 'ThreadPoolExecutor', from: 'from concurrent.futures import ThreadPoolExecutor' },
  Pool: { name: 'ThreadPool', from: 'from multiprocessing.pool import ThreadPool' },
};

const SIZE_ARGUMENT: Record<ScriptPool['api'], string> = {
  ThreadPoolExecutor: 'max_workers',
  ProcessPoolExecutor: 'max_workers',
  ThreadPool: 'processes',
  Pool: 'processes',
};

function where(p: ScriptPool): string {
  return `${baseName(p.file)}:${p.line}`;
}

/** What the what-if changed, in words: "its ThreadPoolExecutor (job.py:12) became a ProcessPoolExecutor of 4". */
function describeChange(s: StrategyFacts): string {
  const changed = (s.result.pools ?? []).filter((p) => p.swappedTo !== null || parseStrategyId(s.id)?.workers != null);
  if (changed.length === 0) return 'the script ran as written';
  return changed
    .map((p) =>
      p.swappedTo
        ? `its ${p.api} (${where(p)}) became a ${SWAPPED_API[p.api].name} of ${p.workers}`
        : `its ${p.api} (${where(p)}) ran with ${p.workers} worker${p.workers === 1 ? '' : 's'}`,
    )
    .join('; ');
}

/** The edit that applies the chosen what-if to the user's file, or null for the script as written. */
function scriptCodeChange(s: StrategyFacts): string | null {
  const parts = parseStrategyId(s.id);
  if (!parts || (parts.variant === null && parts.workers === null)) return null;
  const lines: string[] = [];
  for (const p of s.result.pools ?? []) {
    const size = p.sized || parts.workers !== null ? `${SIZE_ARGUMENT[p.api]}=${p.workers}` : '';
    if (p.swappedTo) {
      const to = SWAPPED_API[p.api];
      lines.push(
        `# ${where(p)}: a ${to.name} instead of the ${p.api}, same arguments`,
        to.from,
        `... ${to.name}(${size}) ...`,
      );
    } else if (p.sized) {
      lines.push(`# ${where(p)}: ${p.workers} workers`, `... ${p.api}(${size}) ...`);
    }
  }
  if (parts.variant === 'processes') {
    lines.push(
      '# Process pools pickle the task and its arguments: the task must be a module-level def, and the',
      '# pool must be created under `if __name__ == "__main__":` (spawn and forkserver re-import the file).',
    );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : null;
}

function whatIfs(f: Facts): StrategyFacts[] {
  return f.all.filter((s) => s.result.kind === 'script' && s !== f.serial);
}

/**
 * The recommendation when what-ifs ran: the fastest usable variant that beat the script as written
 * by the margin (a measured curve takes part through its best size), else the script as written.
 * Null when no what-if ran (the script created no pool of its own): the caller advises unmeasured.
 */
const belowMargin = (sp: number): string => (sp < SPEEDUP_MARGIN ? `: below the ${SPEEDUP_MARGIN}x margin` : '');

export function recommendWhatIf(f: Facts, v: Verdict): Recommendation | null {
  const tried = whatIfs(f);
  const own = f.serial;
  if (tried.length === 0 || !own) return null;
  const pool = representatives(
    f,
    [own, ...tried].filter((s) => s.usable && s.speedup !== null),
  );
  const best = fastest(pool.filter((s) => s !== own));
  const chosen = best && best.speedup! >= SPEEDUP_MARGIN ? best : own;
  const curve = curveOf(f, chosen);

  const alternatives: Alternative[] = fastestFirst(
    pool.filter((s) => s !== chosen),
    (s) =>
      s === own
        ? 'The script as written: the baseline of these what-ifs.'
        : `${speedup(s.speedup!)} of the script as written (${describeChange(s)})${belowMargin(s.speedup!)}.`,
  );
  const caveats: string[] = [];
  for (const s of tried.filter((t) => !t.usable || t.result.status !== 'ok')) {
    const r = s.result;
    if (r.errorDetail?.type === 'SwapRefused' || /^SwapRefused/.test(r.error ?? '')) {
      const message = (r.error ?? '').replace(/^SwapRefused: /, '');
      alternatives.push({ strategy: s.id, expectedSpeedup: null, why: `Not measured: ${message}` });
      caveats.push(`${s.id} could not apply: ${message}`);
    } else if (r.status === 'ok' && r.resultsMatchBaseline === false) {
      const d = r.firstDifference;
      caveats.push(
        `${s.id} is not recommended: the script behaved differently ` +
          `(${d ? `${d.expected} as written, ${d.actual} with the change` : 'different output'}); ` +
          `its output depends on the pool (shared state, or the order in which workers print).`,
      );
    } else if (r.status !== 'ok' && r.status !== 'skipped') {
      caveats.push(`${s.id} ${r.status}: ${(r.error ?? '').split('\n')[0]}.`);
    }
  }
  caveats.push(
    `What-ifs run the whole script again, once each (${tried.length} more run(s)): ` +
      `whatever it does besides computing (files written, requests sent) happened ` +
      `that many more times.`,
  );
  if (disturbed(f, pool))
    caveats.push(
      'Other programs kept the cores busy meanwhile: speedups are noisy; re-run on a quieter machine to confirm.',
    );
  if (f.profile.sampling.note) caveats.push(`Sampling: ${f.profile.sampling.note}`);

  const changed = chosen === own ? '' : ` (${describeChange(chosen)})`;
  const why =
    chosen === own
      ? `Keep the script as written: no what-if beat it by the ${SPEEDUP_MARGIN}x ` +
        `margin${best ? ` (the fastest, ${label(best)}, reached ${speedup(best.speedup!)})` : ''}.`
      : `${chosen.id}: ${speedup(chosen.speedup!)} faster than the script as written${changed}, ` +
        `above the ${SPEEDUP_MARGIN}x margin.`;
  const more = curve ? ` ${whyNotMore(f, chosen, curve)}` : '';
  const swappedToProcesses = parseStrategyId(chosen.id)?.variant === 'processes';
  const needsCores = swappedToProcesses || v.kind === 'cpu-bound-releases-gil';
  const points = curve
    ? curve.points.map((p) => ({ workers: p.workers, speedup: p.speedup }))
    : [{ workers: chosen.workers, speedup: chosen.speedup! }];
  return {
    strategy: chosen.id,
    workers: chosen.workers,
    expectedSpeedup: chosen.speedup,
    projected:
      chosen === own && !curve
        ? null
        : projectSpeedup({
            points,
            cores: f.logicalCores,
            tasks: Number.MAX_SAFE_INTEGER,
            bound: needsCores ? 'cores' : 'waits',
            subject: chosen.id,
          }),
    rationale: `${why}${more}`,
    alternatives,
    caveats,
    codeChange: scriptCodeChange(chosen),
  };
}
