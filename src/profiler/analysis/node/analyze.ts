// The Node.js analysis: the Node rules' verdict, the recommendation with Node's routes, and the hot
// lines, in the shapes the Python analysis gives (the CLI, the webview and the lens read them alike).
import type { HotLines, Profile } from '../../profile';
import type { Analysis } from '../index';
import { collectNodeFacts } from './facts';
import { recommendNode } from './recommend';
import { decideNodeVerdict } from './verdict';

export function analyzeNode(profile: Profile): Analysis {
  const facts = collectNodeFacts(profile);
  const verdict = decideNodeVerdict(facts);
  const recommendation = recommendNode(facts, verdict);
  const hotLines: Record<string, HotLines> = {};
  for (const s of facts.all) if (s.result.samples.t.length > 0) hotLines[s.id] = facts.hot(s);
  return { verdict, recommendation, hotLines };
}
