// The `python.envFile` setting of the Python extension, resolved for a workspace folder the way
// that extension resolves it: `${workspaceFolder}/.env` by default, with `${workspaceFolder}`,
// `${workspaceRoot}`, `${workspaceFolderBasename}`, `${userHome}` and `${env:NAME}` substituted,
// and a relative path taken from the workspace folder. Free of `vscode` so it can be tested.
import { homedir } from 'node:os';
import * as path from 'node:path';

export const DEFAULT_ENV_FILE = '${workspaceFolder}/.env';

/** The absolute path the setting names, or null when it uses a variable this cannot resolve. */
export function resolveEnvFileSetting(
  setting: string | undefined,
  folder: string | null,
  env: NodeJS.ProcessEnv,
): string | null {
  const value = (setting ?? '').trim() || DEFAULT_ENV_FILE;
  let unresolved = false;
  const substituted = value.replace(/\$\{([^}]+)\}/g, (match, name: string) => {
    if ((name === 'workspaceFolder' || name === 'workspaceRoot') && folder) return folder;
    if (name === 'workspaceFolderBasename' && folder) return path.basename(folder);
    if (name === 'userHome') return homedir();
    if (name.startsWith('env:')) return env[name.slice('env:'.length)] ?? '';
    unresolved = true;
    return match;
  });
  if (unresolved) return null;
  if (path.isAbsolute(substituted)) return path.normalize(substituted);
  return folder ? path.resolve(folder, substituted) : null;
}
