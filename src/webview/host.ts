// Who the webview talks to: VS Code's extension host, or (in the standalone HTML report) the page
// itself, which then reads the inlined profile and answers the messages it can.
import type { Profile } from '../profiler/profile';
import { unpackProfile } from '../profiler/export/packedProfile';
import {
  PROFILE_PACKED_TYPE,
  PROFILE_SCRIPT_ID,
  type HostToWebview,
  type WebviewPersistedState,
  type WebviewToHost,
} from '../shared/webviewProtocol';

export interface Host {
  /** False in the standalone report, where there is no editor to open files or write exports. */
  readonly inEditor: boolean;
  post(message: WebviewToHost): void;
  getState(): WebviewPersistedState | undefined;
  setState(state: WebviewPersistedState): void;
  onMessage(handler: (message: HostToWebview) => void): void;
  /** Tell the user something briefly (standalone: where the source is, since nothing opens it). */
  notify?: (text: string) => void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

function vscodeHost(api: VsCodeApi): Host {
  return {
    inEditor: true,
    post: (message) => api.postMessage(message),
    getState: () => (api.getState() as WebviewPersistedState | undefined) ?? undefined,
    setState: (state) => api.setState(state),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<HostToWebview>) => handler(event.data)),
  };
}

/** Native Uint8Array.fromBase64 where the browser has it (Chromium 140+), else atob. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The profile inlined in the report; the tag is removed after, to free its text (tens of MB when big). */
async function readInlinedProfile(): Promise<Profile> {
  const tag = document.getElementById(PROFILE_SCRIPT_ID) as HTMLScriptElement | null;
  const text = tag?.textContent;
  if (!tag || !text) throw new Error('the report holds no profile');
  tag.remove();
  performance.mark('cp:parse-start');
  let profile: Profile;
  if (tag.type === PROFILE_PACKED_TYPE) {
    const bytes = decodeBase64(text);
    const gunzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    profile = unpackProfile(await new Response(gunzipped).arrayBuffer(), { typedColumns: true });
  } else profile = JSON.parse(text) as Profile;
  performance.measure('cp:parse', 'cp:parse-start');
  return profile;
}

/** The report page as host: state lives in the page's history entry (survives a reload, no storage needed). */
function standaloneHost(notify: (text: string) => void): Host {
  let handler: ((message: HostToWebview) => void) | null = null;
  return {
    inEditor: false,
    post(message) {
      if (message.type === 'ready') {
        readInlinedProfile().then(
          (profile) => handler?.({ type: 'profile', profile, source: null }),
          (error: unknown) =>
            handler?.({ type: 'error', message: `This report's profile cannot be read: ${String(error)}` }),
        );
      } else if (message.type === 'openSource') notify(`${message.file}:${message.line}`);
      else if (message.type === 'copy')
        void navigator.clipboard?.writeText(message.text).then(
          () => notify('Copied.'),
          () => notify('Copy failed.'),
        );
    },
    getState: () => (history.state as { cp?: WebviewPersistedState } | null)?.cp,
    setState: (state) => history.replaceState({ cp: state }, ''),
    onMessage: (h) => {
      handler = h;
    },
    notify,
  };
}

export function connectHost(notify: (text: string) => void): Host {
  return typeof acquireVsCodeApi === 'function' ? vscodeHost(acquireVsCodeApi()) : standaloneHost(notify);
}
