// Restricted Mode: profiling runs the workspace's Python code, so it waits for workspace trust.
// Opening a saved profile stays available: it only displays data.
import * as vscode from 'vscode';

export const RESTRICTED_MODE_MESSAGE =
  'Concurrency Profiler does not run in Restricted Mode: profiling executes ' +
  'the Python code of this workspace. Trust the workspace to profile it.';

/** True when running code is allowed; otherwise tells the user why not and offers to trust. */
export function ensureTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage(RESTRICTED_MODE_MESSAGE, manage).then((answer) => {
    if (answer === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
