// The plain-text advice the CLI prints after its table.
import type { Profile, Recommendation, Verdict } from '../profile';
import { collectFacts } from './facts';
import { coverRoutes, recommend } from './recommend';
import { decideVerdict } from './verdict';

/** Text width the advice is wrapped to (a terminal's 100 columns). */
export const WRAP_COLUMNS = 100;

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

function speed(v: number | null): string {
  return v === null ? 'unmeasured' : `${v.toFixed(2)}x`;
}

export function renderAdvice(profile: Profile, verdict: Verdict, rec: Recommendation): string {
  const facts = collectFacts(profile);
  const out: string[] = [];
  out.push(`Verdict: ${verdict.label} (confidence ${verdict.confidence.toFixed(2)})`);
  for (const e of verdict.evidence) out.push(bullet(e));
  if (verdict.shares) {
    const shares = Object.entries(verdict.shares).map(([k, v]) => `${k} ${Math.round((v ?? 0) * 100)}%`);
    out.push(bullet(`Shares: ${shares.join(', ')}.`));
  }
  out.push('');
  const workers = rec.workers && rec.workers > 1 ? ` with ${rec.workers} workers` : '';
  out.push(
    wrap(
      `Recommendation: ${rec.strategy}${workers}, expected speedup ${speed(rec.expectedSpeedup)} (measured).`,
      '  ',
      '',
    ),
  );
  out.push(wrap(rec.rationale, '  '));
  if (rec.projected) {
    out.push(
      wrap(
        `Projected: ${speed(rec.projected.cores2x)} at ${2 * facts.logicalCores} cores, ${speed(rec.projected.cores4x)} at ${4 * facts.logicalCores} cores (${rec.projected.model}). Assumes: ${rec.projected.assumptions}`,
        '  ',
      ),
    );
  }
  if (rec.alternatives.length > 0) {
    out.push('', 'Alternatives (best first):');
    rec.alternatives.forEach((a, i) =>
      out.push(wrap(`${a.strategy} (${speed(a.expectedSpeedup)}): ${a.why}`, '     ', `  ${i + 1}. `)),
    );
  }
  out.push('', 'Routes around the GIL:');
  for (const n of coverRoutes(facts, verdict)) out.push(bullet(n.text));
  if (rec.caveats.length > 0) {
    out.push('', 'Caveats:');
    for (const c of rec.caveats) out.push(bullet(c));
  }
  if (rec.codeChange) {
    out.push('', 'Code change:');
    for (const l of rec.codeChange.replace(/\n$/, '').split('\n')) out.push(`    ${l}`);
  }
  return out.join('\n') + '\n';
}

export function analyze(profile: Profile): { verdict: Verdict; recommendation: Recommendation } {
  const facts = collectFacts(profile);
  const verdict = decideVerdict(facts);
  return { verdict, recommendation: recommend(facts, verdict) };
}
