// Profiles recorded from real runs of the labelled accuracy fixtures (`npm run accuracy -- --record`),
// kept gzipped under test/fixtures/recorded/ with the labels they were recorded for. Unit tests
// re-run the analysis on them: the choices that hinge on measured speedups are tested on real
// measurements, without depending on how busy the machine running the tests is.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeRuntime, type Profile, type VerdictKind } from '../../src/profiler/profile';
import { nativeThreadsOf } from '../../src/profiler/strategies';
import { parseStrategyId } from '../../src/shared/strategyId';
import { ROOT } from './cli';

export const RECORDED_DIR = join(ROOT, 'test', 'fixtures', 'recorded');
const MANIFEST = join(RECORDED_DIR, 'manifest.json');
/** Paths under the repository are stored from this marker, so recordings work in any clone. */
const REPO_MARKER = '<repo>';

export interface RecordedCase {
  fixture: string;
  file: string;
  /** The labels: the verdict kind, and the routes (strategy kinds, or unmeasured routes) that are right. */
  kind: VerdictKind;
  routes: string[];
  recordedAt: string;
  python: string;
}

/** The route a recommended strategy takes, as the labels name routes: its family (process pools of
 * any start method are one route), or `native-1` for a pool whose workers get one native thread. */
export function routeOf(strategy: string): string {
  if (nativeThreadsOf(strategy) !== null) return 'native-1';
  const family = parseStrategyId(strategy)?.family ?? strategy;
  return family.startsWith('processes') ? 'processes' : family;
}

/** Whether a recommended strategy follows one of the labelled routes: its own (serial@pypy3.9 is
 * serial), or `interpreter` for any strategy on another interpreter. */
export function followsRoute(strategy: string, routes: readonly string[]): boolean {
  return (
    routes.includes(routeOf(strategy)) || (routes.includes('interpreter') && !!parseStrategyId(strategy)?.interpreter)
  );
}

export function recordedCases(): RecordedCase[] {
  return existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as RecordedCase[]) : [];
}

export function loadRecorded(entry: RecordedCase): Profile {
  const text = gunzipSync(readFileSync(join(RECORDED_DIR, entry.file))).toString('utf8');
  return JSON.parse(text.split(REPO_MARKER).join(JSON.stringify(ROOT).slice(1, -1))) as Profile;
}

/** Saves a profile whose analysis matched its labels (without the analysis: the tests redo it). */
export function recordProfile(
  fixture: string,
  profile: Profile,
  labels: { kind: VerdictKind; routes: string[] },
): void {
  const measured: Partial<Profile> = { ...profile };
  delete measured.verdict;
  delete measured.recommendation;
  const file = `${fixture}.profile.json.gz`;
  const text = JSON.stringify(measured).split(JSON.stringify(ROOT).slice(1, -1)).join(REPO_MARKER);
  writeFileSync(join(RECORDED_DIR, file), gzipSync(text, { level: 9 }));
  const entries = recordedCases().filter((e) => e.fixture !== fixture);
  entries.push({
    fixture,
    file,
    ...labels,
    recordedAt: profile.createdAt,
    python: describeRuntime(profile.workload),
  });
  entries.sort((a, b) => a.fixture.localeCompare(b.fixture));
  writeFileSync(MANIFEST, `${JSON.stringify(entries, null, 2)}\n`);
  const stale = readdirSync(RECORDED_DIR).filter(
    (name) => name.endsWith('.gz') && !entries.some((e) => e.file === name),
  );
  if (stale.length) console.log(`recorded profiles no case names: ${stale.join(', ')}`);
}
