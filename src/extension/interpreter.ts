// Which Python runs the workload: the Python extension's active environment for the file when
// that extension is installed, else the `concurrencyProfiler.pythonPath` setting, else python3 or
// python on PATH. The interpreter is run once to check it works; results are cached per workspace
// folder until the active environment or the settings change.
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import type { PythonIdentity } from '../profiler/python';
import { checkPython } from './pythonCheck';
import { SECTION, readSettings } from './settings';

export interface ResolvedPython extends PythonIdentity {
  source: 'Python extension' | 'concurrencyProfiler.pythonPath' | 'PATH';
}

interface Candidate {
  command: string;
  source: ResolvedPython['source'];
}

export type Resolution =
  { ok: true; python: ResolvedPython } | { ok: false; tried: string[]; chosenIn: ResolvedPython['source'] | null };

export class InterpreterResolver implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<Resolution>>();
  private readonly disposables: vscode.Disposable[] = [];
  private pythonApi: Promise<PythonExtension | undefined> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.pythonPath`)) this.cache.clear();
      }),
      vscode.extensions.onDidChange(() => {
        // The Python extension may have been installed or removed.
        this.pythonApi = undefined;
        this.cache.clear();
      }),
    );
  }

  resolve(resource: vscode.Uri): Promise<Resolution> {
    const key = vscode.workspace.getWorkspaceFolder(resource)?.uri.toString() ?? '';
    let resolution = this.cache.get(key);
    if (!resolution) {
      resolution = this.resolveUncached(resource);
      this.cache.set(key, resolution);
      // A failure is not cached: the user may fix it and retry at once.
      void resolution.then((r) => (r.ok ? undefined : this.cache.delete(key)));
    }
    return resolution;
  }

  private async resolveUncached(resource: vscode.Uri): Promise<Resolution> {
    // An interpreter the user chose (in the Python extension, or in our setting) is used or
    // reported broken, never silently replaced: the measurements would be of another Python.
    const environment = await this.activeEnvironment(resource);
    const setting = readSettings(resource).pythonPath;
    const chosen: Candidate | undefined = environment
      ? { command: environment, source: 'Python extension' }
      : setting
        ? { command: setting, source: 'concurrencyProfiler.pythonPath' }
        : undefined;
    const candidates: Candidate[] = chosen
      ? [chosen]
      : [
          { command: 'python3', source: 'PATH' },
          { command: 'python', source: 'PATH' },
        ];
    const tried: string[] = [];
    for (const { command, source } of candidates) {
      const check = await checkPython(command);
      if (check.ok) {
        this.log.info(`Python: ${check.python.executable} (${check.python.version}) from ${source}`);
        return { ok: true, python: { ...check.python, source } };
      }
      this.log.warn(`Python from ${source} rejected: ${check.reason}`);
      tried.push(`${check.reason} (from ${source})`);
    }
    return { ok: false, tried, chosenIn: chosen?.source ?? null };
  }

  /** Every environment the Python extension knows (empty without it): `--interpreters auto` looks
   * at them besides PATH, pyenv, uv and conda. */
  async knownEnvironments(): Promise<string[]> {
    const api = await this.api();
    if (!api) return [];
    return api.environments.known
      .map((environment) => environment.executable.uri?.fsPath ?? environment.path)
      .filter((path) => path !== '');
  }

  private async activeEnvironment(resource: vscode.Uri): Promise<string | undefined> {
    const api = await this.api();
    if (!api) return undefined;
    try {
      const environmentPath = api.environments.getActiveEnvironmentPath(resource);
      const environment = await api.environments.resolveEnvironment(environmentPath);
      return environment?.executable.uri?.fsPath;
    } catch (error) {
      this.log.warn(`The Python extension could not resolve the active environment: ${(error as Error).message}`);
      return undefined;
    }
  }

  private api(): Promise<PythonExtension | undefined> {
    this.pythonApi ??= this.connectPythonExtension();
    return this.pythonApi;
  }

  private async connectPythonExtension(): Promise<PythonExtension | undefined> {
    if (!vscode.extensions.getExtension('ms-python.python')) {
      this.log.info('The Python extension is not installed: using concurrencyProfiler.pythonPath or PATH.');
      return undefined;
    }
    try {
      const api = await PythonExtension.api();
      this.disposables.push(api.environments.onDidChangeActiveEnvironmentPath(() => this.cache.clear()));
      return api;
    } catch (error) {
      this.log.warn(`The Python extension is installed but its API is unavailable: ${(error as Error).message}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/**
 * Tells the user no interpreter works and offers to pick one: in the Python extension when the
 * broken one came from there, else a file saved to our setting (of the workspace folder when
 * there is one) and returned so the run can go on.
 */
export async function askForInterpreter(
  failure: Extract<Resolution, { ok: false }>,
  resource: vscode.Uri,
): Promise<string | undefined> {
  const pick = 'Select Python Interpreter...';
  const answer = await vscode.window.showErrorMessage(
    `No working Python interpreter (3.8 or newer) was found. Tried: ${failure.tried.join('; ')}.`,
    pick,
  );
  if (answer !== pick) return undefined;
  if (failure.chosenIn === 'Python extension') {
    await vscode.commands.executeCommand('python.setInterpreter');
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    title: 'Select the Python interpreter to profile with',
    canSelectMany: false,
    openLabel: 'Use this interpreter',
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return undefined;
  const check = await checkPython(file);
  if (!check.ok) {
    void vscode.window.showErrorMessage(`That interpreter does not work: ${check.reason}`);
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(resource);
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION, resource).update('pythonPath', check.python.executable, target);
  return check.python.executable;
}
