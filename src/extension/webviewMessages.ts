// What the host accepts from the profile webview. The webview renders strings from a profile that
// anyone may have written, so its messages are treated as untrusted: checked by shape, and
// "open source" opens only a file the shown profile names, by a plain local path. Free of `vscode`.
import type { Profile } from '../profiler/profile';
import { EXPORT_BUTTONS, type ExportFormat, type WebviewToHost } from '../shared/webviewProtocol';

const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_BUTTONS) as ExportFormat[];
const MAX_PATH_CHARS = 4_096;
const MAX_LINE = 10_000_000;
const MAX_STRATEGY_ID_CHARS = 200;
/** The largest text the webview may ask to copy (a code change, a table). */
const MAX_COPY_CHARS = 1_000_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message when it has one of the shapes of WebviewToHost, else null. */
export function parseWebviewMessage(value: unknown): WebviewToHost | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openSource': {
      const { file, line } = value;
      if (typeof file !== 'string' || file.length === 0 || file.length > MAX_PATH_CHARS) return null;
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 0 || line > MAX_LINE) return null;
      return { type: 'openSource', file, line };
    }
    case 'export': {
      const { format, strategy } = value;
      if (!EXPORT_FORMAT_NAMES.includes(format as ExportFormat)) return null;
      if (strategy !== null && (typeof strategy !== 'string' || strategy.length > MAX_STRATEGY_ID_CHARS)) return null;
      return { type: 'export', format: format as ExportFormat, strategy };
    }
    case 'copy': {
      const { text } = value;
      if (typeof text !== 'string' || text.length > MAX_COPY_CHARS) return null;
      return { type: 'copy', text };
    }
    default:
      return null;
  }
}

/** A local absolute path: POSIX `/...` or Windows `C:\...`; not a UNC or device path (`\\server\share`,
 * `//server/share`, `\\?\`), no NUL, no URI. */
export function isPlainLocalPath(file: string): boolean {
  if (file.includes('\0')) return false;
  if (/^[\\/]{2}/.test(file)) return false;
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file);
}

/** Every source file the profile names: the workload's file and each strategy's frames' files. */
export function filesNamedIn(profile: Profile): Set<string> {
  const files = new Set<string>([profile.workload.file]);
  for (const strategy of profile.strategies) for (const file of strategy.frames.file) files.add(file);
  return files;
}

/** Why the webview may not open `file`, or null when it may. */
export function openSourceRefusal(file: string, profile: Profile | undefined, named?: Set<string>): string | null {
  if (!profile) return 'no profile is shown';
  if (!isPlainLocalPath(file)) return `${JSON.stringify(file)} is not a local absolute path`;
  if (!(named ?? filesNamedIn(profile)).has(file)) return `${JSON.stringify(file)} is not a file of the shown profile`;
  return null;
}

/** Why the webview may not export `strategy`, or null when it may. */
export function exportRefusal(strategy: string | null, profile: Profile | undefined): string | null {
  if (!profile) return 'no profile is shown';
  if (strategy !== null && !profile.strategies.some((s) => s.id === strategy))
    return `${JSON.stringify(strategy)} is not a strategy of the shown profile`;
  return null;
}
