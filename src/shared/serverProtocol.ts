// Custom messages between the extension host (language client) and the language server, beyond
// the standard LSP ones: typed LSP notifications, so both ends share the method and the payload.
import { NotificationType } from 'vscode-languageserver-protocol';

/** Command ids the server's lenses invoke (contributed by the extension). */
export const PROFILE_FUNCTION_COMMAND = 'concurrencyProfiler.profileFunction';
export const OPEN_PROFILE_COMMAND = 'concurrencyProfiler.openProfile';

/** Sent as `initializationOptions` when the client starts the server. */
export interface ServerInitOptions {
  codeLensEnabled: boolean;
}

/** A finished run of `functionName` in `uri`: its lens shows `summary` while the file's text is the one measured. */
export interface RunResult {
  uri: string;
  functionName: string;
  /** e.g. "CPU-bound (GIL) - processes-fork 1.73x" (extension/resultSummary.ts) */
  summary: string;
  /** Saved profile the result lens opens. */
  profilePath: string;
  /** SHA-256 (hex) of the file's text when it was profiled. */
  textSha256: string;
}

/** Host -> server: a run finished; its function's lens shows the result. */
export const RunResultNotification = new NotificationType<RunResult>('concurrencyProfiler/runResult');

/** Host -> server: the settings the server reads changed. */
export const SettingsNotification = new NotificationType<ServerInitOptions>('concurrencyProfiler/settings');

/** Arguments of PROFILE_FUNCTION_COMMAND when a lens invokes it. */
export type ProfileFunctionArgs = [uri: string, functionName: string];
