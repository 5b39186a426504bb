// The environment a workload runs in: the user's, not the editor's. The extension host starts the
// engine with ELECTRON_RUN_AS_NODE (so its Electron binary acts as Node) and VS Code adds VSCODE_*
// variables (IPC handles, the Node options of its debugger): a Python program that starts Node or
// Electron itself, or looks at them, must not see them.

const EDITOR_VARIABLE = /^(ELECTRON_RUN_AS_NODE$|VSCODE_)/;

export function workloadEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !EDITOR_VARIABLE.test(name)));
}
