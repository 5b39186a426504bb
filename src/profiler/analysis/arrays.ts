// Is the work array-shaped (numpy and friends)? Decides whether GPU and PyPy advice applies. Read
// from the profile alone (stacks and the packages the harness saw imported), never from the
// user's file, so a saved profile gives the same advice anywhere.
import type { Profile } from '../profile';

/** Packages whose presence marks array-shaped work. */
export const ARRAY_PACKAGES = ['numpy', 'numexpr', 'scipy', 'pandas', 'numba', 'cupy', 'torch', 'jax'] as const;

const frameFile = new RegExp(`[\\\\/](${ARRAY_PACKAGES.join('|')})[\\\\/]`);

/** Names the evidence for array-shaped work, or null: array-library frames on the stacks, else an import. */
export function arrayEvidence(profile: Profile): string | null {
  for (const s of profile.strategies) {
    const hit = s.frames.file.find((file) => frameFile.test(file));
    if (hit) return `${hit.match(frameFile)![1]} frames on the sampled stacks`;
  }
  const imported = (profile.workload.packages ?? []).filter((p) => (ARRAY_PACKAGES as readonly string[]).includes(p));
  return imported.length > 0 ? `the workload imported ${imported.join(', ')}` : null;
}
