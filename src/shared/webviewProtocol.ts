// Messages between the extension host and the profile webview (and the standalone HTML report,
// which plays the host's part itself). Discriminated on `type`. The webview sends `ready` first;
// the host sends the profile only after that, never inlined in the HTML.
import type { Profile } from '../profiler/profile';

export type HostToWebview =
  | { type: 'profile'; profile: Profile; /** where it was loaded from, for the title */ source: string | null }
  /**
   * The same for big profiles: packProfile(profile) from src/profiler/export. VS Code posts a
   * Uint8Array as bytes, where a profile object goes through JSON (a 1M-sample profile is ~22 MB
   * of it, about a second to serialise and parse again).
   */
  | { type: 'packedProfile'; data: Uint8Array; source: string | null }
  | { type: 'running'; file: string; functionName: string | null; strategy: string | null; done: number; total: number }
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openSource'; file: string; line: number }
  | { type: 'export'; format: ExportFormat; strategy: string | null }
  | { type: 'copy'; text: string };

export type ExportFormat = 'speedscope' | 'trace' | 'collapsed' | 'html' | 'flamegraph';

/** The panel's export buttons, in order, and what each says; the host accepts these formats only. */
export const EXPORT_BUTTONS: Record<ExportFormat, string> = {
  speedscope: 'speedscope',
  trace: 'trace',
  collapsed: 'collapsed',
  html: 'html',
  flamegraph: '0x flame graph',
};

/** What gives a flame chart's frames their colour. */
export type ColorBy = 'function' | 'thread' | 'process';

export type ChartView = 'cores' | 'threads' | 'flamegraph' | 'functions';

/** Zoom and scroll of one chart; times in ms since the strategy's start. */
export interface ChartViewport {
  t0: number;
  t1: number;
  scrollY: number;
}

/**
 * What the webview keeps with vscode.setState: the extension's panel serializer receives it after a
 * window reload, and can use `source` to load the same profile file again and send it.
 */
export interface WebviewPersistedState {
  source: string | null;
  /** The shown profile's createdAt: saved zoom and choices apply only to that same profile. */
  profileCreatedAt: string;
  /** Strategy ids shown: the left pane and, when comparing, the right one. */
  left: string | null;
  right: string | null;
  view: ChartView;
  colorBy: ColorBy;
  search: string;
  /** Runtime frames (threading, concurrent.futures, asyncio, the harness) folded into one; absent = true. */
  justMyCode?: boolean;
  /** Keyed by `${strategyId}/${view}`. */
  viewports: Record<string, ChartViewport>;
}

/** Id of the JSON script tag that carries the profile in the standalone HTML report (no host there). */
export const PROFILE_SCRIPT_ID = 'profile-data';
/** That tag's type when it holds the profile packed (src/profiler/export/packedProfile.ts), gzipped, in base64. */
export const PROFILE_PACKED_TYPE = 'application/x-concurrency-profile+gzip+base64';
