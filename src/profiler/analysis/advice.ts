// The plain-text advice the CLI prints after its table, from the profile's verdict and
// recommendation alone. By default a screenful: the verdict with its strongest evidence, the
// recommendation with measured and projected speedups, the first caveats, the code change and one
// line per route. --verbose prints all the evidence, the reasoning, every alternative, every
// caveat and each route's full explanation.
import { coresOf, type Profile, type Recommendation, type RouteCoverage, type Verdict } from '../profile';
import { percent, speedup } from '../../shared/format';
import { keepsSerial, recommendationSummary, routesHeading } from '../../shared/recommendation';

/** Text width the advice is wrapped to (a terminal's 100 columns). */
export const WRAP_COLUMNS = 100;
/** Longest caveat gist printed without --verbose. */
export const GIST_CHARS = 80;
/** Lines the caveats' gists may take without --verbose: as many gists as fit one line, else the
 * first one over two (the demo's sweep on a busy machine came to 41 lines with two caveats). */
export const BRIEF_CAVEAT_LINES = [1, 2];

export interface AdviceOptions {
  verbose?: boolean;
}

function wrap(text: string, indent: string, first = indent): string {
  const lines: string[] = [];
  let line = first;
  let empty = true; // nothing but the prefix on this line yet
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + w.length > WRAP_COLUMNS) {
      lines.push(line);
      line = indent + w;
    } else {
      line += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

const bullet = (text: string): string => wrap(text, '    ', '  - ');

/** The gist of a caveat: its first sentence, cut before its figures when that is long. */
export function gist(text: string): string {
  const sentence = /^.*?\.(?=\s+[A-Z]|$)/.exec(text)?.[0] ?? text;
  if (sentence.length <= GIST_CHARS) return sentence.replace(/\.$/, '');
  const cut = /(?<=.{20,}?)(?::|;| \()/.exec(sentence);
  return cut ? sentence.slice(0, cut.index) : `${sentence.slice(0, GIST_CHARS - 1)}…`;
}

/** The caveats' gists within BRIEF_CAVEAT_LINES; the rest is counted, for --verbose. */
function briefCaveats(caveats: string[]): string {
  for (const lines of BRIEF_CAVEAT_LINES) {
    for (let shown = caveats.length; shown > 0; shown--) {
      const more = caveats.length - shown;
      const rest = more > 0 ? `; ${more} more with --verbose` : '';
      const text = wrap(`Caveats: ${caveats.slice(0, shown).map(gist).join('; ')}${rest}.`, '    ', '  ');
      if (text.split('\n').length <= lines) return text;
    }
  }
  return `  Caveats: ${caveats.length}, with --verbose.`;
}

function headline(profile: Profile, rec: Recommendation): string {
  const workers = !keepsSerial(rec) && rec.workers && rec.workers > 1 ? ` with ${rec.workers} workers` : '';
  const measured = rec.expectedSpeedup !== null && !keepsSerial(rec) ? ' measured' : '';
  return `Recommendation: ${recommendationSummary(profile, rec)}${measured}${workers}`;
}

/** "Projected 1.36x at 4 cores, 1.44x at 8 cores." when more cores would change anything. */
function projection(profile: Profile, rec: Recommendation): string {
  const p = rec.projected;
  const cores = coresOf(profile.machine);
  if (!p || p.model === 'serial' || p.cores2x === null || p.cores4x === null) return '';
  return ` Projected ${speedup(p.cores2x)} at ${2 * cores} cores, ${speedup(p.cores4x)} at ${4 * cores} cores.`;
}

function routeLine(r: RouteCoverage, width: number): string {
  const status = r.status === 'measured' ? 'measured' : r.fits ? 'to try' : 'not here';
  const best = r.bestSpeedup === null ? '' : speedup(r.bestSpeedup);
  return `  ${r.route.padEnd(width)}  ${status.padEnd(8)}  ${best.padStart(6)}  ${r.reason}`;
}

export function renderAdvice(
  profile: Profile,
  verdict: Verdict,
  rec: Recommendation,
  options: AdviceOptions = {},
): string {
  const verbose = options.verbose ?? false;
  const out: string[] = [];
  out.push(`Verdict: ${verdict.label} (confidence ${verdict.confidence.toFixed(2)})`);
  // The strongest evidence, cut to its claim when it would take more than a line.
  const evidence = verbose
    ? verdict.evidence
    : verdict.evidence.slice(0, 1).map((e) => (e.length > WRAP_COLUMNS - 4 ? `${gist(e)}.` : e));
  for (const e of evidence) out.push(bullet(e));
  if (verdict.shares) {
    const shares = Object.entries(verdict.shares).map(([k, v]) => `${k} ${percent(v)}`);
    out.push(bullet(`Shares: ${shares.join(', ')}.`));
  }
  out.push('', wrap(headline(profile, rec), '  ', ''));
  out.push(wrap(`${rec.rationale}${projection(profile, rec)}`, '  '));
  if (verbose && rec.projected) {
    out.push(wrap(`Projection (${rec.projected.model}). Assumes: ${rec.projected.assumptions}`, '  '));
  }
  if (verbose) {
    if (rec.alternatives.length > 0) {
      out.push('', 'Alternatives (best first):');
      rec.alternatives.forEach((a, i) =>
        out.push(wrap(`${a.strategy} (${speedup(a.expectedSpeedup)}): ${a.why}`, '     ', `  ${i + 1}. `)),
      );
    }
    if (rec.caveats.length > 0) {
      out.push('', 'Caveats:');
      for (const c of rec.caveats) out.push(bullet(c));
    }
  } else if (rec.caveats.length > 0) {
    out.push(briefCaveats(rec.caveats));
  }
  if (rec.codeChange) {
    out.push('', 'Code change:');
    for (const l of rec.codeChange.replace(/\n$/, '').split('\n')) out.push(`    ${l}`);
  }
  const routes = rec.routes ?? [];
  const width = Math.max(0, ...routes.map((r) => r.route.length));
  const title = routesHeading(profile);
  out.push('', verbose ? `${title}:` : `${title} (--verbose explains each):`);
  for (const r of routes) {
    out.push(routeLine(r, width));
    if (verbose) {
      out.push(wrap(r.detail, '      '));
      if (r.install) out.push(wrap(`To try: ${r.install}`, '      '));
    }
  }
  return out.join('\n') + '\n';
}
