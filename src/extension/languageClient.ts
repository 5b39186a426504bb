// Starts the language server (dist/server.js) over IPC for Python, JavaScript and TypeScript files
// and passes it what the host learns: run results for the lenses (kept in workspace state, so they
// outlive a window reload) and the CodeLens setting.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  RunResultNotification,
  SettingsNotification,
  type RunResult,
  type ServerInitOptions,
} from '../shared/serverProtocol';
import { PROFILED_LANGUAGES } from '../server/outline';
import { SECTION, readSettings } from './settings';

const RESULTS_KEY = 'concurrencyProfiler.lensResults';
const MAX_RESULTS = 100;

export class LensServer implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly workspaceState: vscode.Memento;
  private readonly started: Promise<void>;
  private readonly configListener: vscode.Disposable;

  constructor(context: vscode.ExtensionContext, log: vscode.LogOutputChannel) {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const initializationOptions: ServerInitOptions = { codeLensEnabled: readSettings().codeLensEnabled };
    const clientOptions: LanguageClientOptions = {
      documentSelector: PROFILED_LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      initializationOptions,
      outputChannel: log,
    };
    this.client = new LanguageClient('concurrencyProfiler', 'Concurrency Profiler', serverOptions, clientOptions);
    this.workspaceState = context.workspaceState;
    this.started = this.client.start().catch((error: Error) => {
      log.error(`The CodeLens server did not start: ${error.message}`);
    });
    for (const result of this.storedResults()) void this.sendResult(result);
    this.configListener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.codeLens.enabled`)) {
        void this.sendSettings({ codeLensEnabled: readSettings().codeLensEnabled });
      }
    });
  }

  /** The function's lens shows `result` from now on, while the file's text stays the one measured. */
  async showResult(result: RunResult): Promise<void> {
    const others = this.storedResults().filter((r) => r.uri !== result.uri || r.functionName !== result.functionName);
    await this.workspaceState.update(RESULTS_KEY, [...others, result].slice(-MAX_RESULTS));
    await this.sendResult(result);
  }

  private storedResults(): RunResult[] {
    return this.workspaceState.get<RunResult[]>(RESULTS_KEY, []);
  }

  private async sendResult(result: RunResult): Promise<void> {
    await this.started;
    if (this.client.isRunning()) await this.client.sendNotification(RunResultNotification, result);
  }

  private async sendSettings(settings: ServerInitOptions): Promise<void> {
    await this.started;
    if (this.client.isRunning()) await this.client.sendNotification(SettingsNotification, settings);
  }

  async dispose(): Promise<void> {
    this.configListener.dispose();
    await this.client.dispose();
  }
}
