// Verdict and advice: turns a profile into why the code is slow and which route fits.
// Free of `vscode`: used by the CLI, the extension and the webview alike.
import type { Profile, Recommendation, Verdict } from '../profile';
import { analyze, renderAdvice } from './advice';

export { VERDICT_LABELS } from './verdict';
export { SPEEDUP_MARGIN } from './margin';

export function analyzeProfile(profile: Profile): { verdict: Verdict; recommendation: Recommendation } {
  return analyze(profile);
}

/** Plain text for the CLI: verdict, evidence, recommendation, alternatives, routes, caveats, code. */
export function formatAdvice(profile: Profile): string {
  const { verdict, recommendation } =
    profile.verdict && profile.recommendation
      ? { verdict: profile.verdict, recommendation: profile.recommendation }
      : analyze(profile);
  return renderAdvice(profile, verdict, recommendation);
}
