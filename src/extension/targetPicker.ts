// What to profile: the function under the cursor (or the one a lens names), else one picked from
// the file's functions or the whole script; then the `--args` expression in one input box,
// prefilled from the signature or from the last run of that function.
import * as vscode from 'vscode';
import { isNodeLanguage, outlineFor } from '../server/outline';
import { functionAtLine, type PythonFunction } from '../server/pythonOutline';
import { defaultArgsExpression, defaultJavaScriptArgs } from './defaultArgs';

export interface ProfileTarget {
  document: vscode.TextDocument;
  /** null = whole-script mode. */
  fn: PythonFunction | null;
  args: string | null;
  /** Other interpreters picked for this run ("Compare interpreters..."); absent = the setting. */
  interpreters?: string[];
}

/** Lets the user pick other interpreters for the file; undefined when dismissed. */
export type ChooseInterpreters = (resource: vscode.Uri) => Promise<string[] | undefined>;

const ARGS_KEY_PREFIX = 'concurrencyProfiler.args:';

export class TargetPicker {
  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly chooseInterpreters: ChooseInterpreters,
  ) {}

  /** From the palette: the cursor decides, or a quick pick does (which also offers "Compare
   * interpreters..."). `interpreters` already picked go with the target. */
  async fromEditor(editor: vscode.TextEditor, interpreters?: string[]): Promise<ProfileTarget | undefined> {
    const functions = outlineFor(editor.document.languageId, editor.document.getText());
    const node = isNodeLanguage(editor.document.languageId);
    const underCursor = functionAtLine(functions, editor.selection.active.line);
    let picked = interpreters;
    let fn: PythonFunction | null | undefined = underCursor;
    while (fn === undefined) {
      const choice = await pickFunction(functions, picked, node);
      if (choice === undefined) return undefined;
      if (choice !== COMPARE) fn = choice;
      else picked = (await this.chooseInterpreters(editor.document.uri)) ?? picked;
    }
    const target = await this.withArgs(editor.document, fn);
    return target && picked ? { ...target, interpreters: picked } : target;
  }

  /** From a lens: the function it stands above, by name (the file may have changed since). */
  async fromLens(document: vscode.TextDocument, functionName: string): Promise<ProfileTarget | undefined> {
    const fn = outlineFor(document.languageId, document.getText()).find((f) => f.qualifiedName === functionName);
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
    const node = isNodeLanguage(document.languageId);
    const args = await vscode.window.showInputBox({
      title: `Profile ${fn.qualifiedName}: task arguments`,
      prompt: node
        ? "A JavaScript expression, with your module's exports in scope, giving one argument array per call, " +
          'e.g. Array(8).fill([100_000])'
        : 'A Python expression, evaluated in your module, giving one argument tuple per call, e.g. [(100_000,)] * 8',
      value: this.workspaceState.get<string>(key) ?? (node ? defaultJavaScriptArgs(fn) : defaultArgsExpression(fn)),
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim() === '' ? `Enter an expression, e.g. ${node ? 'Array(8).fill([])' : '[()] * 8'}` : undefined,
    });
    if (args === undefined) return undefined;
    await this.workspaceState.update(key, args);
    return { document, fn, args };
  }
}

const COMPARE = 'compare';

/** undefined = dismissed; null = whole script; COMPARE = pick other interpreters first. */
async function pickFunction(
  functions: PythonFunction[],
  interpreters: string[] | undefined,
  node: boolean,
): Promise<PythonFunction | null | typeof COMPARE | undefined> {
  type Item = vscode.QuickPickItem & { fn: PythonFunction | null | typeof COMPARE };
  const items: Item[] = [
    ...functions.map((fn) => ({
      label: fn.qualifiedName,
      description: `line ${fn.defLine + 1}${fn.isAsync ? ', async' : ''}`,
      fn,
    })),
    {
      label: 'Whole script',
      description: node ? 'run the file once, as node FILE does' : 'run the file once as __main__',
      fn: null,
    },
  ];
  // Other interpreters are Python's.
  if (!node)
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator, fn: null },
      {
        label: '$(versions) Compare interpreters...',
        description: interpreters
          ? `${interpreters.length} picked`
          : 'run the same tasks on PyPy, a free-threaded build, other versions',
        fn: COMPARE,
        alwaysShow: true,
      },
    );
  const picked = await vscode.window.showQuickPick(items, {
    title: interpreters
      ? `Profile concurrency (with ${interpreters.length} other interpreter(s))`
      : 'Profile concurrency',
    placeHolder: 'Which function? (or place the cursor inside one)',
  });
  return picked?.fn;
}
