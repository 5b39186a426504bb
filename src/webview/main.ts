// Webview entry: says `ready` to the host, then renders each profile it is sent. The same bundle
// runs in the standalone HTML report, where the page itself plays the host.
import { unpackProfile } from '../profiler/export/packedProfile';
import type { Profile } from '../profiler/profile';
import type { HostToWebview, WebviewPersistedState } from '../shared/webviewProtocol';
import { blockingSection, locksSection } from './blocking';
import { ChartsSection, defaultStrategy } from './charts';
import { readTheme } from './colors';
import { el } from './dom';
import { connectHost } from './host';
import { overviewSection } from './overview';
import { scalingSection } from './scaling';
import { taskStreamSection } from './taskStream';
import { recommendationSection, routesSection, strategiesTable, verdictSection, workloadLine } from './summary';

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { attrs: { id: 'app' } }));
const toast = el('div', { class: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
document.body.append(toast);
let toastTimer: ReturnType<typeof setTimeout> | undefined;

function notify(text: string): void {
  toast.textContent = text;
  toast.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('visible'), 4000);
}

const host = connectHost(notify);
let saveTimer: ReturnType<typeof setTimeout> | undefined;
/** The state of the profile on screen: the only one a save writes. */
let shownState: WebviewPersistedState | null = null;
/** What is on screen, to draw it again when the theme changes. */
let shown: { profile: Profile; source: string | null } | null = null;
let charts: ChartsSection | null = null;
/** Writes the shown state now rather than after the debounce. */
let flushState: (() => void) | null = null;

function initialState(profile: Profile, source: string | null): WebviewPersistedState {
  const saved = host.getState();
  const base: WebviewPersistedState = {
    source,
    profileCreatedAt: profile.createdAt,
    left: defaultStrategy(profile),
    right: null,
    view: 'cores',
    colorBy: 'function',
    search: '',
    justMyCode: true,
    viewports: {},
  };
  // A saved state belongs to the profile it was saved with: keep it only for that one.
  return saved && saved.source === source && saved.profileCreatedAt === profile.createdAt
    ? { ...base, ...saved }
    : base;
}

function renderProfile(profile: Profile, source: string | null): void {
  const state = initialState(profile, source);
  // A save still pending for the profile shown before must not land after this one's: the panel
  // would come back after a reload with the older profile.
  clearTimeout(saveTimer);
  shownState = state;
  const saveState = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => host.setState(shownState!), 150);
  };
  flushState = () => {
    clearTimeout(saveTimer);
    host.setState(shownState!);
  };
  host.setState(state);
  const theme = readTheme();
  const openSource = ({ file, line }: { file: string; line: number }): void =>
    host.post({ type: 'openSource', file, line });
  const copy = (text: string): void => host.post({ type: 'copy', text });
  charts?.dispose();
  charts = new ChartsSection({
    profile,
    theme,
    state,
    saveState,
    openSource,
    exportAs: host.inEditor ? (format, strategy) => host.post({ type: 'export', format, strategy }) : undefined,
  });
  app.replaceChildren(
    el('main', { class: 'report' }, [
      workloadLine(profile, source),
      el('div', { class: 'summary-grid' }, [verdictSection(profile), recommendationSection(profile, copy)]),
      strategiesTable(profile),
      routesSection(profile),
      scalingSection(profile),
      taskStreamSection(profile),
      blockingSection(profile, openSource),
      locksSection(profile, openSource),
      charts.element,
      overviewSection(profile, theme),
    ]),
  );
}

// VS Code swaps the theme by changing <body>'s class: the canvases read colours once, so redraw.
new MutationObserver(() => {
  if (!shown) return;
  flushState?.();
  renderProfile(shown.profile, shown.source);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

function unpackBytes(data: Uint8Array): Profile {
  const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return unpackProfile(bytes, { typedColumns: true });
}

function render(message: HostToWebview): void {
  if (message.type !== 'profile' && message.type !== 'packedProfile') {
    charts?.dispose();
    charts = null;
  }
  switch (message.type) {
    case 'profile':
    case 'packedProfile': {
      const profile = message.type === 'profile' ? message.profile : unpackBytes(message.data);
      shown = { profile, source: message.source };
      renderProfile(profile, message.source);
      break;
    }
    case 'running':
      shown = null;
      app.replaceChildren(
        el('main', { class: 'report' }, [
          el('h1', { text: 'Profiling…' }),
          el('p', {
            text:
              `${message.functionName ?? message.file}: ${message.strategy ?? 'starting'} ` +
              `(${message.done} of ${message.total} strategies done)`,
          }),
        ]),
      );
      break;
    case 'error':
      shown = null;
      app.replaceChildren(
        el('main', { class: 'report' }, [
          el('h1', { text: 'Profile failed' }),
          el('pre', { class: 'traceback', text: message.message }),
        ]),
      );
      break;
  }
}

host.onMessage(render);
host.post({ type: 'ready' });
