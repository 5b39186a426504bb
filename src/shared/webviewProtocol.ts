// Messages between the extension host and the profile webview (and the standalone HTML report,
// which plays the host's part itself). Discriminated on `type`. The webview sends `ready` first;
// the host sends the profile only after that, never inlined in the HTML.
import type { Profile } from '../profiler/profile';

export type HostToWebview =
  | { type: 'profile'; profile: Profile; /** where it was loaded from, for the title */ source: string | null }
  | { type: 'running'; file: string; functionName: string | null; strategy: string | null; done: number; total: number }
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openSource'; file: string; line: number }
  | { type: 'export'; format: 'speedscope' | 'trace' | 'collapsed' | 'html'; strategy: string | null }
  | { type: 'copy'; text: string };
