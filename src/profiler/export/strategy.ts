import type { Profile, StrategyResult } from '../profile';

/**
 * The strategy an export (and the webview, and source heat) describes: the one asked for; else the
 * recommended one when it is a strategy of this profile other than the serial baseline (it may name
 * an unmeasured route such as 'gpu'); else the one with the most threads, where concurrency, and
 * why it did not help, is most visible.
 */
export function pickStrategy(profile: Profile, id?: string | null): StrategyResult {
  const { strategies } = profile;
  if (strategies.length === 0) throw new Error('The profile holds no strategies.');
  if (id) {
    const asked = strategies.find((s) => s.id === id);
    if (!asked)
      throw new Error(`No strategy '${id}' in the profile; it has: ${strategies.map((s) => s.id).join(', ')}.`);
    return asked;
  }
  const recommended = strategies.find(
    (s) => s.id === profile.recommendation?.strategy && s.kind !== 'serial' && s.kind !== 'script',
  );
  if (recommended) return recommended;
  return strategies.reduce((best, s) => (s.threads.length > best.threads.length ? s : best));
}
