// The last run result per function, kept only while the file's text is what it was when the
// result arrived: any edit (or a change on disk) hides it, as the measurement no longer applies.
import type { FunctionResult } from './lenses';

interface FileResults {
  text: string;
  byFunction: Map<string, FunctionResult>;
}

export class RunResults {
  private readonly files = new Map<string, FileResults>();

  record(uri: string, currentText: string, functionName: string, result: FunctionResult): void {
    let file = this.files.get(uri);
    if (!file || file.text !== currentText) {
      file = { text: currentText, byFunction: new Map() };
      this.files.set(uri, file);
    }
    file.byFunction.set(functionName, result);
  }

  /** Results for `uri`, empty when its text changed since they were recorded. */
  forText(uri: string, currentText: string): ReadonlyMap<string, FunctionResult> {
    const file = this.files.get(uri);
    if (!file) return new Map();
    if (file.text !== currentText) {
      this.files.delete(uri);
      return new Map();
    }
    return file.byFunction;
  }
}
