// Verdict and advice: turns a profile into why the code is slow, which route fits and where the
// time went in the user's code. Free of `vscode`: used by the engine, the CLI and the tests.
import type { HotLines, Profile, Recommendation, Verdict } from '../profile';
import { renderAdvice, type AdviceOptions } from './advice';
import { collectFacts } from './facts';
import { analyzeNode } from './node/analyze';
import { recommend } from './recommend';
import { decideVerdict } from './verdict';

export interface Analysis {
  verdict: Verdict;
  recommendation: Recommendation;
  hotLines: Record<string, HotLines>;
}

/** Everything the analysis adds to a profile; the engine assigns it (Object.assign). A Node run is
 * analysed by the Node rules (./node/), a Python run by the GIL-centred ones. */
export function analyzeProfile(profile: Profile): Analysis {
  if (profile.runtime === 'node') return analyzeNode(profile);
  const facts = collectFacts(profile);
  const verdict = decideVerdict(facts);
  const recommendation = recommend(facts, verdict);
  const hotLines: Record<string, HotLines> = {};
  for (const s of facts.all) if (s.result.samples.t.length > 0) hotLines[s.id] = facts.hot(s);
  return { verdict, recommendation, hotLines };
}

/** Plain text for the CLI; a profile without analysis (or from before routes existed) is analysed first. */
export function formatAdvice(profile: Profile, options: AdviceOptions = {}): string {
  const analysed =
    profile.verdict && profile.recommendation?.routes ? (profile as Required<Profile>) : analyzeProfile(profile);
  return renderAdvice(profile, analysed.verdict, analysed.recommendation, options);
}
