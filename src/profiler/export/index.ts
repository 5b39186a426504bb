// Exports of a profile to other tools' formats and to a standalone HTML report. Pure Node: the
// CLI and the extension host both call writeExports.
import { writeFileAtomic } from '../output';
import type { Profile, StrategyResult } from '../profile';
import { toCollapsed } from './collapsed';
import { flamegraphHtml, hasStacks, writeFlamegraphs } from './flamegraph';
import { buildHtmlReport, loadWebviewAssets } from './html';
import { toSpeedscope } from './speedscope';
import { pickStrategy } from './strategy';
import { toChromeTrace } from './trace';

export { toCollapsed } from './collapsed';
export { flamegraphHtml, toZeroXTicks, writeFlamegraphs } from './flamegraph';
export { buildHtmlReport, loadWebviewAssets } from './html';
export { packProfile } from './packedProfile';
export { toSpeedscope } from './speedscope';
export { pickStrategy } from './strategy';
export { toChromeTrace } from './trace';

export interface ExportOptions {
  speedscope?: string;
  trace?: string;
  collapsed?: string;
  /** The report holds every strategy; the other formats describe one. */
  html?: string;
  /** Strategy id for speedscope, trace and collapsed; default: see pickStrategy. */
  strategy?: string | null;
  /** File for 0x's flame graph of `strategy` alone (default: see pickStrategy). */
  flamegraphPage?: string;
  /** Folder for 0x's flame graphs, one page per strategy (only `strategy` when given). */
  flamegraph?: string;
  /** Folder with webview.js and webview.css, when not the package's own media/. */
  mediaDir?: string;
}

function flamegraphPage(profile: Profile, strategy: StrategyResult): string {
  if (!hasStacks(strategy)) throw new Error(`${strategy.id} has no stack samples: no flame graph to draw.`);
  return flamegraphHtml(profile, strategy);
}

/** Writes each asked-for export (atomically: a temporary file, then a rename) and returns the paths
 * written, in the order above. */
export async function writeExports(profile: Profile, opts: ExportOptions): Promise<string[]> {
  const wanted = [opts.speedscope, opts.trace, opts.collapsed, opts.flamegraphPage].some(Boolean);
  const strategy = wanted ? pickStrategy(profile, opts.strategy) : null;
  const outputs: [string | undefined, () => string][] = [
    [opts.speedscope, () => JSON.stringify(toSpeedscope(profile, strategy!))],
    [opts.trace, () => JSON.stringify(toChromeTrace(profile, strategy!))],
    [opts.collapsed, () => toCollapsed(strategy!)],
    [opts.html, () => buildHtmlReport(profile, loadWebviewAssets(opts.mediaDir))],
    [opts.flamegraphPage, () => flamegraphPage(profile, strategy!)],
  ];
  const written: string[] = [];
  for (const [file, render] of outputs) {
    if (!file) continue;
    writeFileAtomic(file, [render()]);
    written.push(file);
  }
  if (opts.flamegraph) written.push(...(await writeFlamegraphs(profile, opts.flamegraph, opts.strategy ?? null)));
  return written;
}
