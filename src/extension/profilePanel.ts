// The profile webview, host side: one panel, reused; the profile is posted once the webview says
// `ready` (on first load and after every reload); requests from the webview (open source, export,
// copy) are served here. The panel comes back after a window reload through the serializer, which
// reloads the profile the panel last showed.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeExports, type ExportOptions } from '../profiler/export/index';
import type { Profile } from '../profiler/profile';
import type { ExportFormat, HostToWebview, WebviewPersistedState } from '../shared/webviewProtocol';
import { profileMessage } from './profileMessage';
import { readProfile } from './profileStore';
import { newNonce } from '../shared/html';
import { outputProblem } from '../profiler/output';
import { SECTION } from './settings';
import { webviewHtml } from './webviewHtml';
import { exportRefusal, filesNamedIn, openSourceRefusal, parseWebviewMessage } from './webviewMessages';

export const PROFILE_VIEW_TYPE = 'concurrencyProfiler.profile';

/** What the host remembers of a panel across reloads (its webview state is the webview's own). */
const LAST_SHOWN_KEY = 'concurrencyProfiler.panelProfilePath';

const EXPORT_FORMATS: Record<ExportFormat, { label: string; extension: string }> = {
  speedscope: { label: 'speedscope', extension: 'speedscope.json' },
  trace: { label: 'Chrome trace (Perfetto)', extension: 'trace.json' },
  collapsed: { label: 'Collapsed stacks', extension: 'collapsed.txt' },
  html: { label: 'HTML report', extension: 'html' },
  flamegraph: { label: '0x flame graph', extension: 'flamegraph.html' },
};

interface Shown {
  profile: Profile;
  source: string | null;
  /** Built on the first post and kept: the webview asks again after every reload. */
  message?: HostToWebview;
  /** The source files it names: the only ones the webview may open. */
  files?: Set<string>;
}

/**
 * Calls `write` with ELECTRON_RUN_AS_NODE set: 0x's tree builder starts `process.execPath` as Node,
 * which in the desktop editor is Electron. Its spawn is synchronous, so the variable is set only
 * until `write` returns (its promise), not while other code of this extension host runs.
 */
function asNode<T>(write: () => T): T {
  const before = process.env.ELECTRON_RUN_AS_NODE;
  process.env.ELECTRON_RUN_AS_NODE = '1';
  try {
    return write();
  } finally {
    if (before === undefined) delete process.env.ELECTRON_RUN_AS_NODE;
    else process.env.ELECTRON_RUN_AS_NODE = before;
  }
}

export class ProfilePanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: Shown | undefined;
  private webviewReady = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PROFILE_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.revive(panel, state),
      }),
    );
  }

  /** Shows `profile` (saved at `source`) in the panel, creating the panel if needed. */
  show(profile: Profile, source: string | null): void {
    this.shown = { profile, source };
    void this.context.workspaceState.update(LAST_SHOWN_KEY, source ?? undefined);
    if (!this.panel) {
      this.adopt(
        vscode.window.createWebviewPanel(
          PROFILE_VIEW_TYPE,
          panelTitle(profile),
          vscode.ViewColumn.Beside,
          this.webviewOptions(),
        ),
      );
    } else {
      this.panel.title = panelTitle(profile);
      this.panel.reveal(undefined, true);
    }
    this.postShown();
  }

  /** Forwards run progress to the panel when one is open; it never opens one by itself. */
  postRunning(message: Extract<HostToWebview, { type: 'running' }>): void {
    if (this.panel && this.webviewReady) void this.panel.webview.postMessage(message);
  }

  /** A run ended without a new profile to show (cancelled, failed): back to the one shown before. */
  runEnded(): void {
    this.postShown();
  }

  private async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.adopt(panel);
    const source = sourceKeptByWebview(state) ?? this.context.workspaceState.get<string>(LAST_SHOWN_KEY);
    if (!source) {
      await this.post({
        type: 'error',
        message: 'The profile this panel showed is no longer known. Run "Concurrency: Show last profile".',
      });
      return;
    }
    try {
      this.shown = { profile: await readProfile(source), source };
    } catch (error) {
      this.log.warn(`Could not restore the profile panel from ${source}: ${(error as Error).message}`);
      await this.post({ type: 'error', message: `Could not reload the profile (${(error as Error).message}).` });
      return;
    }
    panel.title = panelTitle(this.shown.profile);
    this.postShown();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.webviewReady = false;
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(
      {
        cspSource: panel.webview.cspSource,
        scriptUri: panel.webview.asWebviewUri(this.mediaUri('webview.js')).toString(),
        styleUri: panel.webview.asWebviewUri(this.mediaUri('webview.css')).toString(),
      },
      newNonce(),
    );
    const listeners = [
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => {
        for (const listener of listeners) listener.dispose();
        if (this.panel === panel) {
          this.panel = undefined;
          this.webviewReady = false;
        }
      }),
    ];
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')],
    };
  }

  private mediaUri(file: string): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'media', file);
  }

  /** The webview renders strings from the profile: what it asks for is checked, never trusted. */
  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Ignored a malformed message from the profile webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    try {
      switch (message.type) {
        case 'ready':
          this.webviewReady = true;
          this.postShown();
          break;
        case 'openSource': {
          const refusal = openSourceRefusal(message.file, this.shown?.profile, this.shownFiles());
          if (refusal) this.log.warn(`Did not open a source file for the webview: ${refusal}`);
          else await openSource(message.file, message.line);
          break;
        }
        case 'export': {
          const refusal = exportRefusal(message.strategy, this.shown?.profile);
          if (refusal) this.log.warn(`Did not export for the webview: ${refusal}`);
          else await this.export(message.format, message.strategy);
          break;
        }
        case 'copy':
          await vscode.env.clipboard.writeText(message.text);
          void vscode.window.setStatusBarMessage('Copied to the clipboard', 3_000);
          break;
      }
    } catch (error) {
      this.log.error(`Webview request ${message.type} failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Concurrency Profiler: ${(error as Error).message}`);
    }
  }

  private async export(format: ExportFormat, strategy: string | null): Promise<void> {
    if (!this.shown) return;
    const { label, extension } = EXPORT_FORMATS[format];
    const { workload } = this.shown.profile;
    const stem = (workload.function ?? path.parse(workload.file).name).replace(/[^\w.-]+/g, '_');
    const name = `${stem}${strategy ? `.${strategy}` : ''}.${extension}`;
    // With concurrencyProfiler.exportFolder set, exports go there without a dialog.
    const folder = exportFolder(vscode.Uri.file(workload.file));
    const target = folder
      ? vscode.Uri.file(path.join(folder, name))
      : await vscode.window.showSaveDialog({
          title: `Export ${label}`,
          defaultUri: vscode.Uri.file(path.join(path.dirname(workload.file), name)),
          filters: { [label]: [path.extname(extension).slice(1) || extension] },
        });
    if (!target) return;
    const problem = outputProblem(target.fsPath);
    if (problem) throw new Error(`cannot export to ${target.fsPath}: ${problem}`);
    const key = format === 'flamegraph' ? 'flamegraphPage' : format;
    const options: ExportOptions = { [key]: target.fsPath, strategy, mediaDir: this.mediaUri('').fsPath };
    const written = await asNode(() => writeExports(this.shown!.profile, options));
    this.log.info(`Exported ${label} to ${written.join(', ')}`);
    const open = format === 'flamegraph' || format === 'html' ? ['Open in browser'] : [];
    const picked = await vscode.window.showInformationMessage(`Exported ${label} to ${target.fsPath}`, ...open);
    if (picked) await vscode.env.openExternal(target);
  }

  /** The files the shown profile names, computed once per profile. */
  private shownFiles(): Set<string> | undefined {
    if (!this.shown) return undefined;
    return (this.shown.files ??= filesNamedIn(this.shown.profile));
  }

  private postShown(): void {
    if (!this.shown || !this.webviewReady) return;
    void this.post((this.shown.message ??= profileMessage(this.shown.profile, this.shown.source)));
  }

  private async post(message: HostToWebview): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** concurrencyProfiler.exportFolder, absolute (a relative one is from the workspace folder); null when unset. */
function exportFolder(resource: vscode.Uri): string | null {
  const setting = vscode.workspace.getConfiguration(SECTION, resource).get<string>('exportFolder', '').trim();
  if (!setting) return null;
  if (path.isAbsolute(setting)) return setting;
  const workspace = vscode.workspace.getWorkspaceFolder(resource) ?? vscode.workspace.workspaceFolders?.[0];
  return workspace ? path.join(workspace.uri.fsPath, setting) : null;
}

function panelTitle(profile: Profile): string {
  return `Concurrency: ${profile.workload.function ?? path.basename(profile.workload.file)}`;
}

/** The webview keeps the path of the profile it shows in its state (WebviewPersistedState). */
function sourceKeptByWebview(state: unknown): string | undefined {
  const source = (state as Partial<WebviewPersistedState> | null | undefined)?.source;
  return typeof source === 'string' ? source : undefined;
}

async function openSource(file: string, line: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  // Profile lines are Python's, one-based.
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.One,
    selection: new vscode.Range(position, position),
  });
}
