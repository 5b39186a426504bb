// 0x's flame graph of a strategy: the profile's stacks become 0x ticks (one per sample with a
// stack), 0x's own ticks-to-tree builds its merged and unmerged trees, and 0x's visualizer renders
// them in a standalone HTML page like `0x` writes. The visualizer is bundled at build time into
// dist/0x (0x normally browserifies it at run time), so this works offline from the .vsix.
import ticksToTree from '0x/lib/ticks-to-tree';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Profile, StrategyResult } from '../profile';
import { stackFrames } from './stacks';

/** A tick frame as 0x's ticks-to-tree reads it from V8's tick processor. */
export interface ZeroXFrame {
  name: string;
  type: 'JS' | 'CODE' | 'CPP' | 'SHARED_LIB';
  kind?: string;
}

/** dist/0x next to the bundled cli.js: 0x's visualizer bundle and stylesheet, and the helper it spawns. */
export function zeroXDir(): string {
  return path.join(__dirname, '0x');
}

const NATIVE_PREFIXES: [string, ZeroXFrame['type'], string | undefined][] = [
  ['(builtin) ', 'CODE', 'Builtin'],
  ['(regexp) ', 'CODE', 'RegExp'],
  ['(native) ', 'SHARED_LIB', undefined],
  ['(C++) ', 'CPP', undefined],
];

/** A profile frame as 0x names it: `name file:line:column` for JavaScript, typed for V8's own code. */
export function zeroXFrame(name: string, file: string, line: number): ZeroXFrame {
  if (file) return { name: `${name} ${file}:${line}:1`, type: 'JS' };
  for (const [prefix, type, kind] of NATIVE_PREFIXES)
    if (name.startsWith(prefix)) return { name: name.slice(prefix.length), type, ...(kind ? { kind } : {}) };
  return { name, type: 'CODE', kind: 'VM' }; // (garbage collection), (compiler), ...
}

/** One 0x tick per sample that has a stack, root first. */
export function toZeroXTicks(strategy: StrategyResult): ZeroXFrame[][] {
  const { frames, stacks, samples } = strategy;
  const byLeaf = new Map<number, ZeroXFrame[]>();
  const ticks: ZeroXFrame[][] = [];
  for (const leaf of samples.stack) {
    if (leaf < 0) continue;
    let tick = byLeaf.get(leaf);
    if (!tick) {
      tick = stackFrames(stacks, leaf).map((f) => zeroXFrame(frames.name[f]!, frames.file[f]!, frames.line[f]!));
      byLeaf.set(leaf, tick);
    }
    ticks.push(tick);
  }
  return ticks;
}

/** The standalone page 0x writes, around its visualizer and trees. */
export function flamegraphHtml(profile: Profile, strategy: StrategyResult, node = process.execPath): string {
  const dir = zeroXDir();
  // 0x's own tree builder (bundled); it spawns dist/0x/loading-stacks.js to learn Node's loader frames.
  const trees = ticksToTree(toZeroXTicks(strategy), { pathToNodeBinary: node });
  const title =
    `${profile.workload.function ?? path.basename(profile.workload.file)} · ${strategy.id} · ` +
    `${path.basename(profile.workload.file)}`;
  // JSON inside <script>: no "</script>" or "<!--" can end it early.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>${title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</title>
<style>${readFileSync(path.join(dir, 'tachyons.min.css'), 'utf8')}</style>
<style>
button:focus { outline:0; }
rect:hover { opacity: 0.9 }
:root { --background: white; }
@media (prefers-color-scheme: dark) { :root { --background: #000; } }
.background { background: var(--background); }
</style>
</head>
<body class="m0 background sans-serif overflow-hidden">
<script>${readFileSync(path.join(dir, 'visualizer.js'), 'utf8')}
visualizer(${json(trees)}, ${json({ title, kernelTracing: false })});
</script>
</body>
</html>
`;
}

/** Whether any sample of the strategy has a stack: without one there is no flame graph to draw. */
export function hasStacks(strategy: StrategyResult): boolean {
  return strategy.samples.stack.some((leaf) => leaf >= 0);
}

/** Strategies worth a flame graph: those with stacks (or just the one asked for). */
export function flamegraphStrategies(profile: Profile, id: string | null): StrategyResult[] {
  if (id) return profile.strategies.filter((s) => s.id === id);
  return profile.strategies.filter(hasStacks);
}

/** Writes DIR/<strategy id>.html per strategy; returns the paths written. */
export async function writeFlamegraphs(profile: Profile, dir: string, id: string | null): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const strategy of flamegraphStrategies(profile, id)) {
    const file = path.join(dir, `${strategy.id.replace(/[^\w.+@-]/g, '_')}.html`);
    await writeFile(file, flamegraphHtml(profile, strategy));
    written.push(file);
  }
  return written;
}
