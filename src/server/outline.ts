// The profilable functions of a source file, by its VS Code language id: Python through
// @lezer/python, JavaScript and TypeScript through @lezer/javascript. Free of `vscode`.
import { outlineJavaScript } from './jsOutline';
import { outlinePython, type PythonFunction } from './pythonOutline';

/** The languages the profiler runs: Python, and Node (.js, .mjs, .cjs, .ts). */
export const PROFILED_LANGUAGES = ['python', 'javascript', 'typescript'] as const;

export function isProfiledLanguage(languageId: string): boolean {
  return (PROFILED_LANGUAGES as readonly string[]).includes(languageId);
}

export function isNodeLanguage(languageId: string): boolean {
  return languageId === 'javascript' || languageId === 'typescript';
}

export function outlineFor(languageId: string, source: string): PythonFunction[] {
  if (languageId === 'python') return outlinePython(source);
  if (isNodeLanguage(languageId)) return outlineJavaScript(source, languageId === 'typescript');
  return [];
}
