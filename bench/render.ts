// Render benchmark in headless Chromium: the standalone report of a synthetic profile with 1M
// samples over 8 threads (pool threads with their threading and concurrent.futures frames, as real
// profiles have). Prints first frame, frame times while zooming and panning each chart, and memory;
// exits 1 when a figure misses its budget (first frame <= 1 s, median of 5 loads; every chart's p95
// frame <= 16 ms, median of 5 zoom-and-pan passes; peak RSS of the renderer while loading <= 300 MB).
// On a shared machine wall times scale with the load, so frames are also timed in the renderer
// thread's own CPU time (Chromium's trace of each animation frame), which is about what an idle
// machine would take, and the budget is judged on that when the machine is busier than it has
// cores; the wall figures are printed beside.
// Run: npm run build && node --import tsx bench/render.ts
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { writeExports } from '../src/profiler/export/index';
import { CHROMIUM_ARGS, MEDIA_DIR } from '../test/integration/report-browser';
import { syntheticProfile } from '../test/helpers/syntheticProfile';

const THREADS = 8;
const SAMPLES_PER_THREAD = 125_000;
/** Loads for the first frame, and zoom-and-pan passes per chart: figures are medians of these. */
const RUNS = 5;

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

interface RendererMemory {
  rss: number;
  peakRss: number;
  privateRss: number;
}

/**
 * Memory of the page's renderer: of our browser's renderer processes (found by our user-data dir),
 * the biggest one; the others are Chromium's idle spare renderers of about:blank.
 */
function pageRendererMemory(userDataDir: string): RendererMemory {
  let biggest: RendererMemory = { rss: 0, peakRss: 0, privateRss: 0 };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--type=renderer') || !isChildOf(Number(pid), userDataDir)) continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
      const memory = { rss: kb('VmRSS'), peakRss: kb('VmHWM'), privateRss: kb('RssAnon') };
      if (memory.rss > biggest.rss) biggest = memory;
    } catch {
      // The process ended while we looked.
    }
  }
  return biggest;
}

/** CPU time (user + system, ms) of each of our browser's renderer processes. */
function rendererCpuMs(userDataDir: string): Map<number, number> {
  const tickMs = 1000 / 100; // USER_HZ is 100 on Linux
  const cpu = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (
        !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer') ||
        !isChildOf(Number(pid), userDataDir)
      )
        continue;
      // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * tickMs);
    } catch {
      // The process ended while we looked.
    }
  }
  return cpu;
}

/** The most CPU any renderer spent between two readings: the one that loaded the page. */
function busiestDelta(before: Map<number, number>, after: Map<number, number>): number {
  let most = 0;
  for (const [pid, ms] of after) most = Math.max(most, ms - (before.get(pid) ?? 0));
  return most;
}

function isChildOf(pid: number, userDataDir: string): boolean {
  for (let p = pid; p > 1;) {
    const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
    if (cmdline.includes(userDataDir)) return true;
    p = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  }
  return false;
}

interface FrameTimes {
  /** Wall time of each frame's drawing, from the page's own performance.measure. */
  wall: number[];
  /** Renderer main-thread CPU time of each animation frame (trace event FireAnimationFrame, tdur). */
  cpu: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tdur?: number;
}

/** Zoom and pan the chart while Chromium traces the animation frames. */
async function timedInteraction(context: BrowserContext, page: Page, testid: string): Promise<FrameTimes> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    events.push(...(e.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  const wall = await interact(page, testid);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const cpu = events
    .filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X' && e.tdur !== undefined)
    .map((e) => e.tdur! / 1000);
  return { wall, cpu };
}

/** Zoom in and out at the cursor and pan by drag, timing each frame's drawing inside the page. */
async function interact(page: Page, testid: string): Promise<number[]> {
  const canvas = page.getByTestId(testid).locator('canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.evaluate(() => performance.clearMeasures('cp:render'));
  const x = box.x + box.width * 0.4;
  const y = box.y + Math.min(box.height / 2, 120);
  await page.mouse.move(x, y);
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, -240);
    await page.waitForTimeout(20);
  }
  await page.mouse.down();
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(x - i * 15, y + (i % 4), { steps: 1 });
    await page.waitForTimeout(20);
  }
  await page.mouse.up();
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, 240);
    await page.waitForTimeout(20);
  }
  for (let i = 0; i < 10; i++) {
    await page.mouse.move(x + i * 25, y - 2, { steps: 1 });
    await page.waitForTimeout(20);
  }
  return page.evaluate(() => performance.getEntriesByName('cp:render').map((e) => e.duration));
}

async function launch(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
    viewport: { width: 1400, height: 1000 },
  });
}

async function waitForFirstFrame(page: Page, report: string): Promise<void> {
  await page.goto(`file://${report}`);
  await page.waitForFunction(() => performance.getEntriesByName('cp:first-frame').length > 0, undefined, {
    timeout: 60_000,
  });
}

interface Load {
  firstFrameMs: number;
  cpuMs: number;
  phases: string;
}

/** First frame: the median of a few loads, each in a fresh page, as the machine may be busy. */
async function firstFrames(dir: string, report: string): Promise<Load[]> {
  const userDataDir = path.join(dir, 'chromium-loads');
  const context = await launch(userDataDir);
  const loads: Load[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await context.newPage();
      const cpuBefore = rendererCpuMs(userDataDir);
      await waitForFirstFrame(page, report);
      const cpuMs = busiestDelta(cpuBefore, rendererCpuMs(userDataDir));
      loads.push(
        await page.evaluate((cpu) => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const parse = performance.getEntriesByName('cp:parse')[0];
          return {
            firstFrameMs: performance.getEntriesByName('cp:first-frame')[0]!.startTime,
            cpuMs: cpu,
            phases:
              `HTML loaded ${nav.responseEnd.toFixed(0)} ms, script started ${(parse?.startTime ?? 0).toFixed(0)} ` +
              `ms, profile decoded in ${(parse?.duration ?? 0).toFixed(0)} ms`,
          };
        }, cpuMs),
      );
      await page.close();
    }
  } finally {
    await context.close();
  }
  return loads;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cp-bench-'));
  const report = path.join(dir, 'report.html');
  const profile = syntheticProfile({ threads: THREADS, samplesPerThread: SAMPLES_PER_THREAD, runtimeFrames: true });
  const threaded = profile.strategies.find((s) => s.kind === 'threads')!;
  await writeExports(profile, { html: report, mediaDir: MEDIA_DIR });
  const sizeMb = readFileSync(report).length / 1e6;
  const loadBefore = loadavg()[0]!;
  try {
    const loads = await firstFrames(dir, report);
    const typical = [...loads].sort((a, b) => a.firstFrameMs - b.firstFrameMs)[Math.floor(loads.length / 2)]!;
    const firstFrameMs = typical.firstFrameMs;
    const phases = `${typical.phases}; all runs ${loads.map((l) => l.firstFrameMs.toFixed(0)).join(', ')} ms`;
    const cpuToFirstFrame =
      `renderer CPU time to first frame (what an idle machine would take, about): ` +
      `${loads.map((l) => l.cpuMs.toFixed(0)).join(', ')} ms`;

    // Memory and frames in a renderer of their own that loads the report once: its peak RSS at the
    // first frame is the peak while loading.
    const userDataDir = path.join(dir, 'chromium-frames');
    const context = await launch(userDataDir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await waitForFirstFrame(page, report);
      const loaded = pageRendererMemory(userDataDir);
      // RUNS rounds of a traced zoom-and-pan pass over each chart; the memory figure judged is taken
      // after the first round (every chart drawn and moved once), the last round's is printed beside.
      const charts = [
        { view: 'cores', testid: 'per-core-lanes', passes: [] as FrameTimes[] },
        { view: 'threads', testid: 'per-thread-lanes', passes: [] as FrameTimes[] },
        { view: 'flamegraph', testid: 'flame-graph', passes: [] as FrameTimes[] },
      ];
      let afterOneRound: RendererMemory | null = null;
      for (let round = 0; round < RUNS; round++) {
        for (const chart of charts) {
          if (round > 0 || chart.view !== 'cores') {
            await page.getByTestId(`view-${chart.view}`).click();
            await page.getByTestId(chart.testid).waitFor();
          }
          chart.passes.push(await timedInteraction(context, page, chart.testid));
        }
        afterOneRound ??= pageRendererMemory(userDataDir);
      }
      const [coreFrames, threadFrames, graphFrames] = charts.map((c) => c.passes) as [
        FrameTimes[],
        FrameTimes[],
        FrameTimes[],
      ];

      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
      const memory = pageRendererMemory(userDataDir);
      const jsHeap = await page.evaluate(
        () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
      );
      const busy = Math.max(loadBefore, loadavg()[0]!) > cpus().length;
      // Each pass's p95 frame time; the figure judged is their median (one slow pass is the machine).
      const frameFigure = (view: string, passes: FrameTimes[]) => {
        const wall = passes.map((p) => p95(p.wall));
        const cpu = passes.map((p) => p95(p.cpu));
        const judged = busy ? cpu : wall;
        const frames = passes.reduce((n, p) => n + p.wall.length, 0);
        const list = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
        return [
          `frame time, ${view}`,
          `p95 median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU (budget <= 16 ms, ` +
            `judged on ${busy ? 'CPU: the machine is busy' : 'wall'}); passes ${list(wall)} ms wall, ` +
            `${list(cpu)} ms CPU; ${frames} frames`,
          passes.every((p) => p.cpu.length > 0 && p.wall.length > 0) && median(judged) <= 16,
        ] as const;
      };
      const figures = [
        [
          'machine',
          `load average ${loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')} on ${cpus().length} cores (${loadBefore.toFixed(1)} at the start; wall figures scale with it)`,
          true,
        ],
        [
          'profile',
          `${threaded.samples.t.length.toLocaleString('en')} samples over ${THREADS} ` +
            `threads (+ serial), report ${sizeMb.toFixed(1)} MB`,
          true,
        ],
        ['first frame', `median ${firstFrameMs.toFixed(0)} ms (target <= 1000): ${phases}`, firstFrameMs <= 1000],
        ['first frame, CPU', cpuToFirstFrame, true],
        frameFigure('per-core', coreFrames),
        frameFigure('per-thread', threadFrames),
        frameFigure('flame graph', graphFrames),
        [
          'JS heap after GC',
          `${mib(heap.usedSize)} MiB used of ${mib(heap.totalSize)} MiB (page: ${mib(jsHeap)} MiB)`,
          true,
        ],
        [
          'renderer memory',
          `peak RSS while loading ${mb(loaded.peakRss)} MB (budget <= 300 MB); after drawing every chart: RSS ` +
            `${mb(afterOneRound!.rss)} MB (private ${mb(afterOneRound!.privateRss)} MB), peak ` +
            `${mb(afterOneRound!.peakRss)} MB; after ${RUNS} rounds: RSS ${mb(memory.rss)} MB, ` +
            `peak ${mb(memory.peakRss)} MB`,
          loaded.peakRss > 0 && loaded.peakRss <= 300e6 && afterOneRound!.peakRss <= 300e6,
        ],
      ] as const;
      for (const [name, value, ok] of figures) console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(24)} ${value}`);
      process.exitCode = figures.every(([, , ok]) => ok) ? 0 : 1;
    } finally {
      await context.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
