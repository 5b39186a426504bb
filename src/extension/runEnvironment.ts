// Where a file of the workspace runs, as the Python extension runs it: the file's workspace folder
// is the project root and working directory, and `python.envFile` (by default
// `${workspaceFolder}/.env`) supplies variables and PYTHONPATH when the file exists. The engine
// reads the file by the Python extension's rules (src/profiler/envFile.ts).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { resolveEnvFileSetting } from './envFileSetting';

export interface RunEnvironment {
  /** The workspace folder holding the file; null outside any (the engine then finds the root). */
  projectRoot: string | null;
  envFile: string | null;
}

export function runEnvironment(resource: vscode.Uri, log: vscode.LogOutputChannel): RunEnvironment {
  const folder = vscode.workspace.getWorkspaceFolder(resource)?.uri.fsPath ?? null;
  const setting = vscode.workspace.getConfiguration('python', resource).get<string>('envFile');
  const envFile = resolveEnvFileSetting(setting, folder, process.env);
  if (envFile === null) {
    if (setting) log.warn(`python.envFile "${setting}" could not be resolved for ${resource.fsPath}: not used.`);
    return { projectRoot: folder, envFile: null };
  }
  if (!existsSync(envFile)) {
    // The default file is optional; one the user named is worth a word in the log.
    if (setting) log.warn(`python.envFile ${envFile} does not exist: not used.`);
    return { projectRoot: folder, envFile: null };
  }
  return { projectRoot: folder, envFile };
}
