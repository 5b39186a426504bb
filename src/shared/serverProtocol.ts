// Custom messages between the extension host (language client) and the language server, beyond
// the standard LSP ones. Discriminated on `type`; all travel as one notification method each way.

/** Notification method for HostToServer messages. */
export const HOST_TO_SERVER = 'concurrencyProfiler/host';

/** Command ids the server's lenses invoke (contributed by the extension). */
export const PROFILE_FUNCTION_COMMAND = 'concurrencyProfiler.profileFunction';
export const OPEN_PROFILE_COMMAND = 'concurrencyProfiler.openProfile';

/** Sent as `initializationOptions` when the client starts the server. */
export interface ServerInitOptions {
  codeLensEnabled: boolean;
}

export type HostToServer = ({ type: 'runResult' } & RunResult) | { type: 'settings'; codeLensEnabled: boolean };

/** A finished run of `functionName` in `uri`: its lens shows `summary` while the file's text is the one measured. */
export interface RunResult {
  uri: string;
  functionName: string;
  /** e.g. "CPU-bound (GIL) - processes-fork 1.9x" */
  summary: string;
  /** Saved profile the result lens opens. */
  profilePath: string;
  /** SHA-256 (hex) of the file's text when it was profiled. */
  textSha256: string;
}

/** Arguments of PROFILE_FUNCTION_COMMAND when a lens invokes it. */
export type ProfileFunctionArgs = [uri: string, functionName: string];
