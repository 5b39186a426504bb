// Source heat in the editor: after a profile is shown, each line of the profiled file (and of the
// workspace's other files in the stacks) that has >= 1% of the samples (by default: in-task samples
// at the innermost line of the user's code, see sourceHeat.ts) gets a background as strong as its
// share and, at its end, "12% of samples · GIL wait 71%", with the detail on hover.
// VS Code drops decorations when an editor is hidden, so they are set again on every editor that
// becomes visible; an edit of a decorated file forgets its heat, whose line numbers no longer hold.
import * as vscode from 'vscode';
import type { Profile } from '../profiler/profile';
import { SECTION, readSettings } from './settings';
import { HEAT_LEVELS, heatLevel, lineDetail, lineLabel, sourceHeat, type SourceHeat } from './sourceHeat';

export const CLEAR_SOURCE_HEAT_COMMAND = 'concurrencyProfiler.clearSourceHeat';

export class SourceHeatDecorations implements vscode.Disposable {
  private heat: SourceHeat | null = null;
  private profile: Profile | null = null;
  /** Files edited since the profile was shown: their line numbers no longer hold. */
  private readonly edited = new Set<string>();
  /** One decoration type per heat level: backgrounds cannot vary per line within one type. */
  private readonly levels: vscode.TextEditorDecorationType[];
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.levels = Array.from({ length: HEAT_LEVELS }, (_, k) => {
      // Theme colours contributed in package.json (contributes.colors), so themes can restyle them.
      const color = new vscode.ThemeColor(`concurrencyProfiler.sourceHeat.level${k + 1}`);
      return vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: color,
        overviewRulerColor: color,
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
      });
    });
    this.disposables = [
      ...this.levels,
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.decorate(editor))),
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (change.contentChanges.length > 0) this.forget(change.document);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (this.profile && event.affectsConfiguration(`${SECTION}.sourceHeat.justMyCode`)) this.redraw();
      }),
    ];
  }

  /** Decorates the visible editors with the heat of `profile` (replacing any earlier one). */
  show(profile: Profile): void {
    this.profile = profile;
    this.edited.clear();
    this.redraw();
  }

  /** The shown profile's heat again, as the setting now says (edited files stay undecorated). */
  private redraw(): void {
    this.heat = this.profile && sourceHeat(this.profile, readSettings().sourceHeatJustMyCode);
    for (const file of this.edited) this.heat?.files.delete(file);
    for (const editor of vscode.window.visibleTextEditors) {
      this.undecorate(editor);
      this.decorate(editor);
    }
  }

  clear(): void {
    this.heat = null;
    this.profile = null;
    this.edited.clear();
    vscode.window.visibleTextEditors.forEach((editor) => this.undecorate(editor));
  }

  private forget(document: vscode.TextDocument): void {
    if (this.profile) this.edited.add(document.uri.fsPath);
    if (!this.heat?.files.delete(document.uri.fsPath)) return;
    vscode.window.visibleTextEditors
      .filter((editor) => editor.document === document)
      .forEach((editor) => this.undecorate(editor));
  }

  private decorate(editor: vscode.TextEditor): void {
    const { document } = editor;
    const lines = this.heat && document.uri.scheme === 'file' && this.heat.files.get(document.uri.fsPath);
    if (!lines || !this.decorates(document.uri)) return;
    const byLevel = this.levels.map((): vscode.DecorationOptions[] => []);
    for (const heat of lines) {
      // The file may have changed on disk since the run; line 0 is Python's "unknown".
      if (heat.line < 1 || heat.line > document.lineCount) continue;
      byLevel[heatLevel(heat.share) - 1]!.push({
        range: document.lineAt(heat.line - 1).range,
        hoverMessage: new vscode.MarkdownString(lineDetail(heat, this.heat!)),
        renderOptions: { after: { contentText: lineLabel(heat) } },
      });
    }
    this.levels.forEach((type, k) => editor.setDecorations(type, byLevel[k]!));
  }

  /** The profiled file and the workspace's files; not the standard library's or site-packages'. */
  private decorates(uri: vscode.Uri): boolean {
    return uri.fsPath === this.profile?.workload.file || vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  }

  private undecorate(editor: vscode.TextEditor): void {
    for (const type of this.levels) editor.setDecorations(type, []);
  }

  dispose(): void {
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}
