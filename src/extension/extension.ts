// Entry point of the extension host side: registers the commands and wires the pieces (language
// server for lenses, interpreter lookup, engine runs, profile panel, source heat, telemetry, log).
import * as vscode from 'vscode';
import { OPEN_PROFILE_COMMAND, PROFILE_FUNCTION_COMMAND, type ProfileFunctionArgs } from '../shared/serverProtocol';
import { isProfiledLanguage } from '../server/outline';
import { InterpreterResolver } from './interpreter';
import { LensServer } from './languageClient';
import { ProfilePanels } from './profilePanel';
import { LAST_PROFILE_KEY, ProfileRunner } from './profileRunner';
import { ProfileFormatError, readProfile } from './profileStore';
import { CLEAR_SOURCE_HEAT_COMMAND, SourceHeatDecorations } from './sourceHeatDecorations';
import { TargetPicker } from './targetPicker';
import { Telemetry } from './telemetry';
import { ensureTrusted } from './trust';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Concurrency Profiler', { log: true });
  const interpreters = new InterpreterResolver(log);
  const panels = new ProfilePanels(context, log);
  const lenses = new LensServer(context, log);
  const telemetry = new Telemetry();
  const sourceHeat = new SourceHeatDecorations();
  const runner = new ProfileRunner({ context, log, interpreters, panels, lenses, sourceHeat, telemetry });
  const targets = new TargetPicker(context.workspaceState, (uri) => runner.chooseInterpreters(uri));
  context.subscriptions.push(log, interpreters, panels, lenses, telemetry, sourceHeat, runner);
  context.subscriptions.push(logSettingChanges(context, log));

  const command = (id: string, handler: (...args: never[]) => Promise<void>): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          await handler(...args);
        } catch (error) {
          log.error(`${id} failed: ${(error as Error).stack ?? error}`);
          void vscode.window.showErrorMessage(`Concurrency Profiler: ${(error as Error).message}`);
        }
      }),
    );
  };

  command('concurrencyProfiler.profile', async () => {
    if (!ensureTrusted()) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isProfiledLanguage(editor.document.languageId)) {
      void vscode.window.showErrorMessage(
        'Open a Python, JavaScript or TypeScript file (and put the cursor in the function to profile) first.',
      );
      return;
    }
    const target = await targets.fromEditor(editor);
    if (target) await runner.run(target);
  });

  command('concurrencyProfiler.compareInterpreters', async () => {
    if (!ensureTrusted()) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
      void vscode.window.showErrorMessage('Open a Python file (and put the cursor in the function to profile) first.');
      return;
    }
    const interpreters = await runner.chooseInterpreters(editor.document.uri);
    if (!interpreters) return;
    const target = await targets.fromEditor(editor, interpreters);
    if (target) await runner.run(target);
  });

  command(PROFILE_FUNCTION_COMMAND, async (...[uri, functionName]: ProfileFunctionArgs) => {
    if (!ensureTrusted()) return;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const target = await targets.fromLens(document, functionName);
    if (target) await runner.run(target);
  });

  command(OPEN_PROFILE_COMMAND, async (...[given]: [string | vscode.Uri | undefined]) => {
    const file = given === undefined ? await askForProfileFile() : typeof given === 'string' ? given : given.fsPath;
    if (file) await showProfileFile(file);
  });

  command('concurrencyProfiler.showLastProfile', async () => {
    const last = context.workspaceState.get<string>(LAST_PROFILE_KEY);
    if (!last) {
      void vscode.window.showInformationMessage(
        'No profile yet in this workspace: run "Concurrency: Profile concurrency" first.',
      );
      return;
    }
    await showProfileFile(last);
  });

  command('concurrencyProfiler.showLog', async () => log.show());

  command(CLEAR_SOURCE_HEAT_COMMAND, async () => sourceHeat.clear());

  async function showProfileFile(file: string): Promise<void> {
    try {
      const profile = await readProfile(file);
      panels.show(profile, file);
      sourceHeat.show(profile);
    } catch (error) {
      const reason = error instanceof ProfileFormatError ? error.message : (error as Error).message;
      void vscode.window.showErrorMessage(`Cannot open ${file}: ${reason}`);
    }
  }
}

/** This extension's settings go to the log with their values at activation, and each again when it
 * changes: what the next run will use, for the user reading the log (and for tests, which wait for
 * a value to be seen instead of waiting a while). */
function logSettingChanges(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  const properties = (context.extension.packageJSON as { contributes?: { configuration?: { properties?: object } } })
    .contributes?.configuration?.properties;
  const keys = Object.keys(properties ?? {});
  const logValue = (key: string): void => {
    const [section, ...rest] = key.split('.');
    const value = vscode.workspace.getConfiguration(section).get(rest.join('.'));
    log.info(`Setting ${key} is now ${JSON.stringify(value)}`);
  };
  keys.forEach(logValue);
  return vscode.workspace.onDidChangeConfiguration((event) => {
    for (const key of keys) if (event.affectsConfiguration(key)) logValue(key);
  });
}

async function askForProfileFile(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Open a concurrency profile',
    canSelectMany: false,
    filters: { 'Concurrency profile': ['json'] },
    openLabel: 'Open Profile',
  });
  return picked?.[0]?.fsPath;
}
