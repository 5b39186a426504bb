// Which CodeLenses a Python file gets: "Profile concurrency" above every profilable function,
// and, after a run, a second lens with that function's verdict that opens its profile.
import type { CodeLens } from 'vscode-languageserver';
import type { PythonFunction } from './pythonOutline';
import {
  OPEN_PROFILE_COMMAND,
  PROFILE_FUNCTION_COMMAND,
  type ProfileFunctionArgs,
  type RunResult,
} from '../shared/serverProtocol';

export const PROFILE_LENS_TITLE = 'Profile concurrency';

export function lensesFor(
  uri: string,
  functions: readonly PythonFunction[],
  results: ReadonlyMap<string, Pick<RunResult, 'summary' | 'profilePath'>>,
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const fn of functions) {
    const range = { start: { line: fn.startLine, character: 0 }, end: { line: fn.startLine, character: 0 } };
    const args: ProfileFunctionArgs = [uri, fn.qualifiedName];
    lenses.push({ range, command: { title: PROFILE_LENS_TITLE, command: PROFILE_FUNCTION_COMMAND, arguments: args } });
    const result = results.get(fn.qualifiedName);
    if (result) {
      lenses.push({
        range,
        command: { title: result.summary, command: OPEN_PROFILE_COMMAND, arguments: [result.profilePath] },
      });
    }
  }
  return lenses;
}
