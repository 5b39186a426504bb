// The functions of a JavaScript or TypeScript file that the engine can profile: the exported ones
// (ES `export`, CommonJS `module.exports` / `exports`), and the methods of exported classes and
// object literals, named as the engine's `--function` takes them (`name`, `default`, `Class.method`).
// Parsed with @lezer/javascript (TypeScript dialect for .ts), whose error recovery keeps the rest of
// the file usable when one part has a syntax error. Free of `vscode`, like the Python outline.
import { parser } from '@lezer/javascript';
import type { SyntaxNode } from '@lezer/common';
import {
  lineIndex,
  lineOf,
  type PythonFunction as OutlinedFunction,
  type PythonParameter as Parameter,
} from './pythonOutline';

const javascript = parser;
const typescript = parser.configure({ dialect: 'ts' });

const FUNCTION_VALUES = new Set(['ArrowFunction', 'FunctionExpression']);

/** A top-level declaration: a function, a function-valued const, or a class. */
interface Declaration {
  /** The whole statement (where a lens goes). */
  statement: SyntaxNode;
  /** The function or class node. */
  node: SyntaxNode;
}

export function outlineJavaScript(source: string, isTypeScript: boolean): OutlinedFunction[] {
  const lines = lineIndex(source);
  const top = (isTypeScript ? typescript : javascript).parse(source).topNode;
  const declared = new Map<string, Declaration>();
  for (let node = top.firstChild; node; node = node.nextSibling) {
    for (const [name, declaration] of declarations(source, node, node)) declared.set(name, declaration);
  }
  const found = new Map<string, OutlinedFunction>();
  const add = (name: string, declaration: Declaration): void => {
    for (const fn of describe(source, lines, name, declaration))
      if (!found.has(fn.qualifiedName)) found.set(fn.qualifiedName, fn);
  };
  const addReference = (exported: string, local: string): void => {
    const declaration = declared.get(local);
    if (declaration) add(exported, declaration);
  };
  for (let node = top.firstChild; node; node = node.nextSibling) {
    if (node.name === 'ExportDeclaration') esExport(source, node, add, addReference);
    else if (node.name === 'ExpressionStatement') commonJsExport(source, node, add, addReference);
  }
  return [...found.values()].sort((a, b) => a.startLine - b.startLine || a.defLine - b.defLine);
}

function declarations(source: string, statement: SyntaxNode, node: SyntaxNode): [string, Declaration][] {
  if (node.name === 'FunctionDeclaration' || node.name === 'ClassDeclaration') {
    const name = childText(source, node, 'VariableDefinition');
    return name ? [[name, { statement, node }]] : [];
  }
  if (node.name === 'VariableDeclaration') {
    const found: [string, Declaration][] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.name !== 'VariableDefinition') continue;
      const value = valueAfterEquals(child);
      if (value && (FUNCTION_VALUES.has(value.name) || value.name === 'ClassExpression'))
        found.push([text(source, child), { statement, node: value }]);
    }
    return found;
  }
  return [];
}

type Add = (name: string, declaration: Declaration) => void;
type AddReference = (exported: string, local: string) => void;

function esExport(source: string, statement: SyntaxNode, add: Add, addReference: AddReference): void {
  const isDefault = statement.getChild('default') !== null;
  for (let child = statement.firstChild; child; child = child.nextSibling) {
    if (child.name === 'FunctionDeclaration' || child.name === 'ClassDeclaration') {
      const name = isDefault ? 'default' : childText(source, child, 'VariableDefinition');
      if (name) add(name, { statement, node: child });
    } else if (child.name === 'VariableDeclaration') {
      for (const [name, declaration] of declarations(source, statement, child)) add(name, declaration);
    } else if (child.name === 'ExportGroup') {
      for (const [local, exported] of exportGroup(source, child)) addReference(exported, local);
    } else if (isDefault && (FUNCTION_VALUES.has(child.name) || child.name === 'ClassExpression')) {
      add('default', { statement, node: child });
    } else if (isDefault && child.name === 'VariableName') {
      addReference('default', text(source, child));
    }
  }
}

/** `{ a, b as c }`: [local, exported] pairs. */
function exportGroup(source: string, group: SyntaxNode): [string, string][] {
  const pairs: [string, string][] = [];
  const names = group.getChildren('VariableName');
  for (let child = group.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'VariableName') continue;
    const next = child.nextSibling;
    if (next?.name === 'as' && next.nextSibling) {
      pairs.push([text(source, child), text(source, next.nextSibling)]);
      child = next.nextSibling;
    } else pairs.push([text(source, child), text(source, child)]);
  }
  return names.length > 0 ? pairs : [];
}

/** `module.exports.name = ...`, `exports.name = ...`, `module.exports = function | name | { ... }`. */
function commonJsExport(source: string, statement: SyntaxNode, add: Add, addReference: AddReference): void {
  const assignment = statement.getChild('AssignmentExpression');
  const target = assignment?.firstChild;
  const value = target ? valueAfterEquals(target) : null;
  if (!target || !value || target.name !== 'MemberExpression') return;
  const path = text(source, target).replace(/\s+/g, '');
  const named = /^(?:module\.exports|exports)\.([A-Za-z_$][\w$]*)$/.exec(path);
  const name = named ? named[1]! : path === 'module.exports' ? 'default' : null;
  if (name === null) return;
  if (FUNCTION_VALUES.has(value.name) || value.name === 'ClassExpression') add(name, { statement, node: value });
  else if (value.name === 'VariableName') addReference(name, text(source, value));
  else if (value.name === 'ObjectExpression' && name === 'default')
    objectExports(source, statement, value, add, addReference);
}

/** `module.exports = { f, g: () => ..., h(a) { ... }, k: localName }`. */
function objectExports(
  source: string,
  statement: SyntaxNode,
  object: SyntaxNode,
  add: Add,
  addReference: AddReference,
): void {
  for (const property of object.getChildren('Property')) {
    const key = property.getChild('PropertyDefinition');
    if (!key) continue;
    const name = text(source, key);
    if (property.getChild('ParamList')) {
      add(name, { statement: property, node: property });
      continue;
    }
    const value = property.lastChild;
    if (!value || value.from === key.from) addReference(name, name);
    else if (FUNCTION_VALUES.has(value.name)) add(name, { statement: property, node: value });
    else if (value.name === 'VariableName') addReference(name, text(source, value));
  }
}

function describe(source: string, lines: number[], name: string, declaration: Declaration): OutlinedFunction[] {
  const { statement, node } = declaration;
  if (node.name === 'ClassDeclaration' || node.name === 'ClassExpression') {
    const body = node.getChild('ClassBody');
    if (!body) return [];
    const methods: OutlinedFunction[] = [];
    for (const method of body.getChildren('MethodDeclaration')) {
      const methodName = childText(source, method, 'PropertyDefinition');
      // Accessors are not called; the constructor is how the engine builds the instance.
      if (!methodName || methodName === 'constructor' || method.getChild('get') || method.getChild('set')) continue;
      methods.push(functionAt(source, lines, `${name}.${methodName}`, method, method));
    }
    return methods;
  }
  return [functionAt(source, lines, name, statement, node)];
}

function functionAt(
  source: string,
  lines: number[],
  qualifiedName: string,
  statement: SyntaxNode,
  node: SyntaxNode,
): OutlinedFunction {
  return {
    qualifiedName,
    isAsync: node.getChild('async') !== null,
    startLine: lineOf(lines, statement.from),
    defLine: lineOf(lines, node.from),
    endLine: lineOf(lines, Math.max(node.from, node.to - 1)),
    parameters: parameters(source, node.getChild('ParamList')),
  };
}

function parameters(source: string, list: SyntaxNode | null): Parameter[] {
  if (!list) return [];
  const found: Parameter[] = [];
  let spread = false;
  for (let child = list.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Spread') {
      spread = true;
      continue;
    }
    if (child.name !== 'VariableDefinition' && child.name !== 'ObjectPattern' && child.name !== 'ArrayPattern')
      continue;
    let annotation: string | null = null;
    let defaultValue: string | null = null;
    let optional = false;
    for (let next = child.nextSibling; next && next.name !== ','; next = next.nextSibling) {
      if (next.name === 'TypeAnnotation') annotation = text(source, next).replace(/^:\s*/, '');
      else if (next.name === 'Optional' || text(source, next) === '?') optional = true;
      else if (next.name === 'Equals' && next.nextSibling) defaultValue = text(source, next.nextSibling);
    }
    const name = text(source, child);
    if (name === 'this' && annotation !== null) continue; // TypeScript's `this` parameter is not passed
    found.push({
      name,
      kind: spread ? 'varargs' : 'positional',
      annotation,
      defaultValue: defaultValue ?? (optional ? 'undefined' : null),
    });
    spread = false;
  }
  return found;
}

function valueAfterEquals(node: SyntaxNode): SyntaxNode | null {
  for (let next = node.nextSibling; next; next = next.nextSibling) {
    if (next.name === 'Equals') return next.nextSibling;
    if (next.name === ',' || next.name === ';') return null;
  }
  return null;
}

function childText(source: string, node: SyntaxNode, name: string): string | null {
  const child = node.getChild(name);
  return child ? text(source, child) : null;
}

function text(source: string, node: SyntaxNode): string {
  return source.slice(node.from, node.to);
}
