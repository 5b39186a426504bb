// The functions of a Python file that the engine can profile: top-level `def`/`async def`, names
// bound to a lambda, and the methods of top-level classes (the engine's `--function` takes `name`
// or `Class.method`).
// Parsed with @lezer/python, whose error recovery keeps the rest of the file usable when one part
// has a syntax error. Free of `vscode`: the language server serves lenses from it and the extension
// host uses it to find the function under the cursor and its signature.
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';

export type ParameterKind = 'positional' | 'varargs' | 'keywordOnly' | 'varkw';

export interface PythonParameter {
  name: string;
  kind: ParameterKind;
  /** Source text of the annotation (`int`, `list[str]`), null when absent. */
  annotation: string | null;
  /** Source text of the default value, null when the parameter has none. */
  defaultValue: string | null;
}

export interface PythonFunction {
  /** What the engine's `--function` takes: `name` or `Class.method`. */
  qualifiedName: string;
  isAsync: boolean;
  /** Zero-based lines. `startLine` is the first decorator's line (where a lens goes). */
  startLine: number;
  defLine: number;
  endLine: number;
  /** The parameters a caller passes: `self`/`cls` of instance and class methods are left out. */
  parameters: PythonParameter[];
}

export function outlinePython(source: string): PythonFunction[] {
  const lines = lineIndex(source);
  const functions: PythonFunction[] = [];
  for (let node = parser.parse(source).topNode.firstChild; node; node = node.nextSibling) {
    const statement = unwrapDecorated(source, node);
    if (statement.definition.name === 'FunctionDefinition') {
      functions.push(describeFunction(source, lines, node, statement.definition, statement.decorators, null));
    } else if (statement.definition.name === 'ClassDefinition') {
      functions.push(...describeMethods(source, lines, statement.definition));
    } else if (node.name === 'AssignStatement') {
      const lambda = describeLambda(source, lines, node);
      if (lambda) functions.push(lambda);
    }
  }
  return functions;
}

/** The innermost profilable function whose lines contain `line` (zero-based), if any. */
export function functionAtLine(functions: readonly PythonFunction[], line: number): PythonFunction | undefined {
  return functions.filter((f) => f.startLine <= line && line <= f.endLine).sort((a, b) => b.startLine - a.startLine)[0];
}

function describeMethods(source: string, lines: number[], classNode: SyntaxNode): PythonFunction[] {
  const className = nameOf(source, classNode);
  const body = classNode.getChild('Body');
  if (!className || !body) return [];
  const methods: PythonFunction[] = [];
  for (let node = body.firstChild; node; node = node.nextSibling) {
    const statement = unwrapDecorated(source, node);
    if (statement.definition.name === 'FunctionDefinition') {
      methods.push(describeFunction(source, lines, node, statement.definition, statement.decorators, className));
    }
  }
  return methods;
}

function describeFunction(
  source: string,
  lines: number[],
  outer: SyntaxNode,
  definition: SyntaxNode,
  decorators: string[],
  className: string | null,
): PythonFunction {
  const name = nameOf(source, definition) ?? '';
  let parameters = parseParameters(source, definition.getChild('ParamList'));
  // The engine builds the instance (or passes the class) itself; the user supplies the rest.
  if (className && !decorators.includes('staticmethod')) parameters = parameters.slice(1);
  return {
    qualifiedName: className ? `${className}.${name}` : name,
    isAsync: definition.firstChild?.name === 'async',
    startLine: lineOf(lines, outer.from),
    defLine: lineOf(lines, definition.from),
    // `to` sits just past the body's last newline; the function ends on the line before it.
    endLine: lineOf(lines, Math.max(outer.from, outer.to - 1)),
    parameters,
  };
}

/** `name = lambda ...:` at module level: the engine profiles whatever a module-level name refers to. */
function describeLambda(source: string, lines: number[], assignment: SyntaxNode): PythonFunction | null {
  const [target, op, value, ...rest] = children(assignment);
  if (
    target?.name !== 'VariableName' ||
    op?.name !== 'AssignOp' ||
    value?.name !== 'LambdaExpression' ||
    rest.length > 0
  )
    return null;
  const line = lineOf(lines, assignment.from);
  return {
    qualifiedName: source.slice(target.from, target.to),
    isAsync: false,
    startLine: line,
    defLine: line,
    endLine: lineOf(lines, Math.max(assignment.from, assignment.to - 1)),
    parameters: parseParameters(source, value.getChild('ParamList')),
  };
}

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

function parseParameters(source: string, paramList: SyntaxNode | null): PythonParameter[] {
  const parameters: PythonParameter[] = [];
  if (!paramList) return parameters;
  let kind: ParameterKind = 'positional';
  let pendingStar: '*' | '**' | null = null;
  let expectDefault = false;
  for (let node = paramList.firstChild; node; node = node.nextSibling) {
    const text = source.slice(node.from, node.to);
    const current = parameters[parameters.length - 1];
    if (expectDefault) {
      if (current) current.defaultValue = text;
      expectDefault = false;
      continue;
    }
    switch (node.name) {
      case '*':
      case '**':
        pendingStar = node.name;
        break;
      case 'VariableName': {
        const paramKind: ParameterKind = pendingStar === '*' ? 'varargs' : pendingStar === '**' ? 'varkw' : kind;
        parameters.push({ name: text, kind: paramKind, annotation: null, defaultValue: null });
        if (pendingStar === '*') kind = 'keywordOnly';
        pendingStar = null;
        break;
      }
      case ',':
        // A bare `*,` starts the keyword-only parameters.
        if (pendingStar === '*') kind = 'keywordOnly';
        pendingStar = null;
        break;
      case 'TypeDef':
        if (current) current.annotation = text.replace(/^:\s*/, '').trim();
        break;
      case 'AssignOp':
        expectDefault = true;
        break;
    }
  }
  return parameters;
}

function unwrapDecorated(source: string, node: SyntaxNode): { definition: SyntaxNode; decorators: string[] } {
  if (node.name !== 'DecoratedStatement') return { definition: node, decorators: [] };
  const decorators: string[] = [];
  let definition: SyntaxNode = node;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Decorator') {
      const nameNode = child.getChild('VariableName');
      if (nameNode) decorators.push(source.slice(nameNode.from, nameNode.to));
    } else if (child.name === 'FunctionDefinition' || child.name === 'ClassDefinition') {
      definition = child;
    }
  }
  return { definition, decorators };
}

function nameOf(source: string, definition: SyntaxNode): string | null {
  const nameNode = definition.getChild('VariableName');
  return nameNode ? source.slice(nameNode.from, nameNode.to) : null;
}

/** Offsets at which each line starts, for offset -> line lookups by binary search. */
export function lineIndex(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineOf(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
