// What to profile: the function under the cursor (or the one a lens names), else one picked from
// the file's functions or the whole script; then the `--args` expression in one input box,
// prefilled from the signature or from the last run of that function.
import * as vscode from 'vscode';
import { functionAtLine, outlinePython, type PythonFunction } from '../server/pythonOutline';
import { defaultArgsExpression } from './defaultArgs';

export interface ProfileTarget {
  document: vscode.TextDocument;
  /** null = whole-script mode. */
  fn: PythonFunction | null;
  args: string | null;
}

const ARGS_KEY_PREFIX = 'concurrencyProfiler.args:';

export class TargetPicker {
  constructor(private readonly workspaceState: vscode.Memento) {}

  /** From the palette: the cursor decides, or a quick pick does. */
  async fromEditor(editor: vscode.TextEditor): Promise<ProfileTarget | undefined> {
    const functions = outlinePython(editor.document.getText());
    const underCursor = functionAtLine(functions, editor.selection.active.line);
    const fn = underCursor === undefined ? await pickFunction(functions) : underCursor;
    if (fn === undefined) return undefined;
    return this.withArgs(editor.document, fn);
  }

  /** From a lens: the function it stands above, by name (the file may have changed since). */
  async fromLens(document: vscode.TextDocument, functionName: string): Promise<ProfileTarget | undefined> {
    const fn = outlinePython(document.getText()).find((f) => f.qualifiedName === functionName);
    if (!fn) {
      void vscode.window.showErrorMessage(
        `There is no function ${functionName} in ${vscode.workspace.asRelativePath(document.uri)} any more.`,
      );
      return undefined;
    }
    return this.withArgs(document, fn);
  }

  private async withArgs(document: vscode.TextDocument, fn: PythonFunction | null): Promise<ProfileTarget | undefined> {
    if (fn === null) return { document, fn, args: null };
    const key = `${ARGS_KEY_PREFIX}${vscode.workspace.asRelativePath(document.uri)}#${fn.qualifiedName}`;
    const args = await vscode.window.showInputBox({
      title: `Profile ${fn.qualifiedName}: task arguments`,
      prompt:
        'A Python expression, evaluated in your module, giving one argument tuple per call, e.g. [(100_000,)] * 8',
      value: this.workspaceState.get<string>(key) ?? defaultArgsExpression(fn),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'Enter an expression, e.g. [()] * 8' : undefined),
    });
    if (args === undefined) return undefined;
    await this.workspaceState.update(key, args);
    return { document, fn, args };
  }
}

/** undefined = dismissed; null = whole script. */
async function pickFunction(functions: PythonFunction[]): Promise<PythonFunction | null | undefined> {
  type Item = vscode.QuickPickItem & { fn: PythonFunction | null };
  const items: Item[] = [
    ...functions.map((fn) => ({
      label: fn.qualifiedName,
      description: `line ${fn.defLine + 1}${fn.isAsync ? ', async' : ''}`,
      fn,
    })),
    { label: 'Whole script', description: 'run the file once as __main__', fn: null },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Profile concurrency',
    placeHolder: 'Which function? (or place the cursor inside one)',
  });
  return picked?.fn;
}
