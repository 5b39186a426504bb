// Is the work array-shaped (numpy and friends)? Decides whether GPU and numexpr advice applies.
import { readFileSync } from 'node:fs';
import type { Profile } from '../profile';

/** Packages whose presence marks array-shaped work. */
export const ARRAY_PACKAGES = ['numpy', 'numexpr', 'scipy', 'pandas', 'numba', 'cupy', 'torch', 'jax'] as const;

const frameFile = new RegExp(`[\\\\/](${ARRAY_PACKAGES.join('|')})[\\\\/]`);
const importLine = new RegExp(`^\\s*(import|from)\\s+(${ARRAY_PACKAGES.join('|')})\\b`, 'm');

/** Names the evidence for array-shaped work, or null: array-library frames on the stacks, else an import in the
 * user's file. */
export function arrayEvidence(profile: Profile): string | null {
  for (const s of profile.strategies) {
    const hit = s.frames.file.find((file) => frameFile.test(file));
    if (hit) return `${hit.match(frameFile)![1]} frames on the sampled stacks`;
  }
  let source: string;
  try {
    source = readFileSync(profile.workload.file, 'utf8');
  } catch {
    return null; // a profile opened away from its source: stacks are all we have
  }
  const m = source.match(importLine);
  return m ? `${profile.workload.file.split(/[\\/]/).pop()} imports ${m[2]}` : null;
}
