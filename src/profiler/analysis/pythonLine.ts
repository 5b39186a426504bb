// Reading one line of Python without a parser: enough to rewrite the statement a profile points at
// (a blocking call, a lock's creation): its indentation, assignment target, expression and comment.

const words = (text: string): Set<string> => new Set(text.trim().split(/\s+/));

const KEYWORDS = words(`
  False None True and as assert async await break class continue def del elif else except finally for from
  global if import in is lambda nonlocal not or pass raise return try while with yield`);
const BUILTINS = words(`
  abs all any bool bytearray bytes chr dict divmod enumerate filter float format frozenset hash hex int isinstance
  iter len list map max min next ord pow print range repr reversed round set sorted str sum tuple type zip`);
/** Modules a line commonly reaches into (`hashlib.sha256(...)`): global in a helper, not a parameter. */
const KNOWN_MODULES = words(`
  array base64 binascii bz2 collections csv datetime decimal functools gzip hashlib heapq hmac itertools json lzma
  math np numpy operator os pandas pd pickle random re scipy secrets statistics string struct sys time zlib`);

/** A source line cut into indentation, head (an assignment target with its `=`, or `return `),
 * expression and comment. */
export interface SplitLine {
  indent: string;
  head: string;
  expr: string;
  comment: string;
}

/** Where each character of `text` sits: bracket depth outside strings, -1 inside a string. */
function depths(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out.push(-1);
      if (c === '\\') {
        out.push(-1); // the escaped character
        i++;
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      out.push(-1);
      continue;
    }
    if (')]}'.includes(c)) depth--;
    out.push(depth);
    if ('([{'.includes(c)) depth++;
  }
  return out;
}

/** The parts of a simple statement, or null for a compound one (if, for, with, def, ...). */
export function splitLine(code: string): SplitLine | null {
  const indent = /^\s*/.exec(code)![0];
  let body = code.slice(indent.length);
  const d = depths(body);
  let comment = '';
  const hash = [...body].findIndex((c, i) => c === '#' && d[i] === 0);
  if (hash >= 0) {
    comment = body.slice(hash);
    body = body.slice(0, hash);
  }
  body = body.trimEnd();
  if (
    /^(?:if|elif|else|for|while|with|def|class|try|except|finally|import|from|assert|del|raise|pass|async\s)\b/.test(
      body,
    )
  )
    return null;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '=' || d[i] !== 0) continue;
    if (body[i + 1] === '=') {
      i++;
      continue;
    }
    if ('=<>!:'.includes(body[i - 1] ?? '')) continue;
    return { indent, head: `${body.slice(0, i + 1).trimEnd()} `, expr: body.slice(i + 1).trim(), comment };
  }
  const ret = /^return\s+/.exec(body);
  if (ret) return { indent, head: ret[0], expr: body.slice(ret[0].length), comment };
  return { indent, head: '', expr: body, comment };
}

/** `callee(args)` when the whole expression is one call of a dotted name. */
export function simpleCall(expr: string): { callee: string; args: string } | null {
  const m = /^([A-Za-z_][\w.]*)\s*\(/.exec(expr);
  if (!m || !expr.endsWith(')')) return null;
  const d = depths(expr);
  // The call's own parentheses must close at the very end: `f(a)(b)` or `f(a).g()` is not simple.
  for (let i = m[0].length; i < expr.length - 1; i++) if (d[i] === 0 && expr[i] === ')') return null;
  const args = expr.slice(m[0].length, -1).trim();
  // A bare generator argument, `sum(x for x in xs)`, cannot be passed on as arguments.
  const inner = depths(args);
  if ([...args.matchAll(/\bfor\b/g)].some((f) => inner[f.index!] === 0)) return null;
  return { callee: m[1]!, args };
}

export function hasKeywordArguments(args: string): boolean {
  const d = depths(args);
  const starts = [0, ...[...args].flatMap((c, i) => (c === ',' && d[i] === 0 ? [i + 1] : []))];
  return starts.some((s) => /^\s*(?:\*\*|[A-Za-z_]\w*\s*=(?!=))/.test(args.slice(s)));
}

/** Names an expression reads from its surroundings: what a module-level helper must take as parameters. */
export function freeNames(expr: string): string[] {
  const d = depths(expr);
  const code = [...expr].map((c, i) => (d[i] === -1 ? ' ' : c)).join('');
  const bound = new Set<string>();
  for (const m of code.matchAll(/\b(?:for|lambda)\s+([\w\s,]+?)\s*(?:\bin\b|:)/g))
    m[1]!.split(',').forEach((n) => bound.add(n.trim()));
  const names: string[] = [];
  for (const m of code.matchAll(/[A-Za-z_]\w*/g)) {
    const name = m[0];
    const before = code.slice(0, m.index).trimEnd();
    const after = code.slice(m.index! + name.length).trimStart();
    if (before.endsWith('.') || /^\d/.test(name)) continue;
    if (KEYWORDS.has(name) || BUILTINS.has(name) || bound.has(name) || after.startsWith('(')) continue;
    if (after.startsWith('.') && KNOWN_MODULES.has(name)) continue;
    if (after.startsWith('=') && !after.startsWith('==')) continue; // a keyword argument's name
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
