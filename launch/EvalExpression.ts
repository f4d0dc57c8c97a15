import { OutpostError } from '../runtime/OutpostError.js';

/**
 * `$(eval ...)` without `eval`: a tokenizer, a recursive-descent parser and an evaluator for the
 * small Python subset launch files use (launch's PythonExpression runs Python's `eval`). Values
 * keep Python's types so results read as launch_ros prints them: `str(True)` is "True",
 * `4 / 2` is "2.0", `1 + 1` is "2". Supported: int and float literals, '…' and "…" strings,
 * True/False (also true/false), + - * / // % **, == != < <= > >= (chained), and/or/not, parentheses.
 */
export type PyValue =
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string };

type Token =
  | { k: 'num'; v: PyValue; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: 'name'; v: string; at: number }
  | { k: 'op'; v: string; at: number }
  | { k: 'end'; at: number };

type Ast =
  | { k: 'lit'; v: PyValue }
  | { k: 'not'; a: Ast }
  | { k: 'neg' | 'pos'; a: Ast }
  | { k: 'bool'; op: 'and' | 'or'; a: Ast; b: Ast }
  | { k: 'bin'; op: string; a: Ast; b: Ast }
  | { k: 'cmp'; first: Ast; rest: Array<{ op: string; b: Ast }> };

const OPS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '(', ')'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function fail(expr: string, message: string): never {
  throw new OutpostError('OUTPOST_ERR_LAUNCH_SUBSTITUTION', `$(eval ${JSON.stringify(expr)}): ${message}`);
}

function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/.exec(expr.slice(i));
    if (num !== null) {
      const isFloat = num[0].includes('.') || num[2] !== undefined;
      out.push({ k: 'num', v: isFloat ? { t: 'float', v: Number(num[0]) } : { t: 'int', v: Number(num[0]) }, at: i });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let s = '';
      let j = i + 1;
      for (; j < expr.length && expr[j] !== c; j++) {
        if (expr[j] === '\\' && j + 1 < expr.length) s += ESCAPES[expr[++j]!] ?? `\\${expr[j]}`;
        else s += expr[j];
      }
      if (j >= expr.length) fail(expr, `unterminated string starting at column ${i + 1}`);
      out.push({ k: 'str', v: s, at: i });
      i = j + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i));
    if (name !== null) {
      out.push({ k: 'name', v: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (op === undefined) fail(expr, `unexpected character ${JSON.stringify(c)} at column ${i + 1}`);
    out.push({ k: 'op', v: op, at: i });
    i += op.length;
  }
  out.push({ k: 'end', at: expr.length });
  return out;
}

class Parser {
  #pos = 0;
  constructor(
    readonly expr: string,
    readonly tokens: Token[],
  ) {}

  parse(): Ast {
    if (this.#peek().k === 'end') fail(this.expr, 'expected an expression, got nothing');
    const ast = this.#or();
    const t = this.#peek();
    if (t.k !== 'end')
      fail(this.expr, `unexpected ${this.#show(t)} at column ${t.at + 1}; expected an operator or the end`);
    return ast;
  }

  #peek(): Token {
    return this.tokens[this.#pos]!;
  }
  #isOp(v: string): boolean {
    const t = this.#peek();
    return t.k === 'op' && t.v === v;
  }
  #isWord(v: string): boolean {
    const t = this.#peek();
    return t.k === 'name' && t.v === v;
  }
  #show(t: Token): string {
    return t.k === 'end'
      ? 'end of expression'
      : t.k === 'str'
        ? JSON.stringify(t.v)
        : `"${t.k === 'num' ? this.expr.slice(t.at).match(/^[\d.eE+-]+/)![0] : t.v}"`;
  }

  #or(): Ast {
    let a = this.#and();
    while (this.#isWord('or')) {
      this.#pos++;
      a = { k: 'bool', op: 'or', a, b: this.#and() };
    }
    return a;
  }
  #and(): Ast {
    let a = this.#not();
    while (this.#isWord('and')) {
      this.#pos++;
      a = { k: 'bool', op: 'and', a, b: this.#not() };
    }
    return a;
  }
  #not(): Ast {
    if (this.#isWord('not')) {
      this.#pos++;
      return { k: 'not', a: this.#not() };
    }
    return this.#comparison();
  }
  #comparison(): Ast {
    const first = this.#sum();
    const rest: Array<{ op: string; b: Ast }> = [];
    for (;;) {
      const t = this.#peek();
      if (t.k !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(t.v)) break;
      this.#pos++;
      rest.push({ op: t.v, b: this.#sum() });
    }
    return rest.length === 0 ? first : { k: 'cmp', first, rest };
  }
  #sum(): Ast {
    let a = this.#term();
    while (this.#isOp('+') || this.#isOp('-')) {
      const op = (this.tokens[this.#pos++] as { v: string }).v;
      a = { k: 'bin', op, a, b: this.#term() };
    }
    return a;
  }
  #term(): Ast {
    let a = this.#unary();
    while (['*', '/', '//', '%'].some((o) => this.#isOp(o))) {
      const op = (this.tokens[this.#pos++] as { v: string }).v;
      a = { k: 'bin', op, a, b: this.#unary() };
    }
    return a;
  }
  #unary(): Ast {
    if (this.#isOp('-')) {
      this.#pos++;
      return { k: 'neg', a: this.#unary() };
    }
    if (this.#isOp('+')) {
      this.#pos++;
      return { k: 'pos', a: this.#unary() };
    }
    return this.#power();
  }
  #power(): Ast {
    const a = this.#atom();
    // Python: ** binds tighter than unary minus on its left, looser on its right (2 ** -1).
    if (this.#isOp('**')) {
      this.#pos++;
      return { k: 'bin', op: '**', a, b: this.#unary() };
    }
    return a;
  }
  #atom(): Ast {
    const t = this.tokens[this.#pos++]!;
    if (t.k === 'num') return { k: 'lit', v: t.v };
    if (t.k === 'str') {
      let s = t.v;
      // Adjacent string literals concatenate, as in Python.
      while (this.#peek().k === 'str') s += (this.tokens[this.#pos++] as { v: string }).v;
      return { k: 'lit', v: { t: 'str', v: s } };
    }
    if (t.k === 'name') {
      if (t.v === 'True' || t.v === 'true') return { k: 'lit', v: { t: 'bool', v: true } };
      if (t.v === 'False' || t.v === 'false') return { k: 'lit', v: { t: 'bool', v: false } };
      fail(
        this.expr,
        `unknown name "${t.v}" at column ${t.at + 1}; expected a number, a quoted string, True or False (quote text, e.g. '$(var mode)' == 'sim')`,
      );
    }
    if (t.k === 'op' && t.v === '(') {
      const inner = this.#or();
      if (!this.#isOp(')')) {
        const u = this.#peek();
        fail(this.expr, `expected ")" at column ${u.at + 1}, got ${this.#show(u)}`);
      }
      this.#pos++;
      return inner;
    }
    return fail(this.expr, `expected a value at column ${t.at + 1}, got ${this.#show(t)}`);
  }
}

const typeName = (x: PyValue): string => x.t;
const truthy = (x: PyValue): boolean => (x.t === 'str' ? x.v !== '' : x.t === 'bool' ? x.v : x.v !== 0);
const isNum = (x: PyValue): boolean => x.t !== 'str';
const numOf = (x: PyValue): number => (x.t === 'bool' ? (x.v ? 1 : 0) : (x.v as number));
const pyMod = (a: number, b: number): number => a - b * Math.floor(a / b);

function arith(expr: string, op: string, a: PyValue, b: PyValue): PyValue {
  if (a.t === 'str' || b.t === 'str') {
    if (op === '+' && a.t === 'str' && b.t === 'str') return { t: 'str', v: a.v + b.v };
    if (op === '*' && a.t === 'str' && (b.t === 'int' || b.t === 'bool'))
      return { t: 'str', v: a.v.repeat(Math.max(0, numOf(b))) };
    if (op === '*' && b.t === 'str' && (a.t === 'int' || a.t === 'bool'))
      return { t: 'str', v: b.v.repeat(Math.max(0, numOf(a))) };
    if (op === '+')
      fail(
        expr,
        `cannot add ${typeName(a)} and ${typeName(b)} (Python would raise TypeError); quote both sides to join text`,
      );
    fail(expr, `unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}`);
  }
  const x = numOf(a);
  const y = numOf(b);
  const float = a.t === 'float' || b.t === 'float';
  const num = (v: number, isFloat = float): PyValue => (isFloat ? { t: 'float', v } : { t: 'int', v });
  if ((op === '/' || op === '//' || op === '%') && y === 0) fail(expr, `division by zero (${op})`);
  switch (op) {
    case '+':
      return num(x + y);
    case '-':
      return num(x - y);
    case '*':
      return num(x * y);
    case '/':
      return num(x / y, true);
    case '//':
      return num(Math.floor(x / y));
    case '%':
      return num(pyMod(x, y));
    case '**':
      if (x === 0 && y < 0) fail(expr, 'zero cannot be raised to a negative power');
      return num(x ** y, float || y < 0);
  }
  return fail(expr, `unknown operator ${op}`);
}

function compare(expr: string, op: string, a: PyValue, b: PyValue): boolean {
  if (op === '==' || op === '!=') {
    const eq = isNum(a) && isNum(b) ? numOf(a) === numOf(b) : a.t === b.t && a.v === b.v;
    return op === '==' ? eq : !eq;
  }
  let x: number | string;
  let y: number | string;
  if (a.t === 'str' && b.t === 'str') {
    x = a.v;
    y = b.v;
  } else if (isNum(a) && isNum(b)) {
    x = numOf(a);
    y = numOf(b);
  } else return fail(expr, `cannot order ${typeName(a)} and ${typeName(b)} with ${op}`);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function evaluate(expr: string, n: Ast): PyValue {
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'not':
      return { t: 'bool', v: !truthy(evaluate(expr, n.a)) };
    case 'neg':
    case 'pos': {
      const a = evaluate(expr, n.a);
      if (a.t === 'str') fail(expr, `bad operand type for unary ${n.k === 'neg' ? '-' : '+'}: str`);
      const v = (n.k === 'neg' ? -1 : 1) * numOf(a);
      return a.t === 'float' ? { t: 'float', v } : { t: 'int', v };
    }
    case 'bool': {
      // Python returns the deciding operand itself, and does not evaluate the other side.
      const a = evaluate(expr, n.a);
      if (n.op === 'and') return truthy(a) ? evaluate(expr, n.b) : a;
      return truthy(a) ? a : evaluate(expr, n.b);
    }
    case 'bin':
      return arith(expr, n.op, evaluate(expr, n.a), evaluate(expr, n.b));
    case 'cmp': {
      let left = evaluate(expr, n.first);
      for (const { op, b } of n.rest) {
        const right = evaluate(expr, b);
        if (!compare(expr, op, left, right)) return { t: 'bool', v: false };
        left = right;
      }
      return { t: 'bool', v: true };
    }
  }
}

/** Python's `repr(float)`: shortest round-trip digits, ".0" on whole values, exponent outside [1e-4, 1e16). */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    const fixed = x.toString(); // JS writes fixed notation for 1e-6 <= |x| < 1e21
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Python's `str()` of a value. */
export function formatPythonValue(x: PyValue): string {
  switch (x.t) {
    case 'bool':
      return x.v ? 'True' : 'False';
    case 'str':
      return x.v;
    case 'int':
      return Math.abs(x.v) >= 1e21 ? BigInt(x.v).toString() : String(x.v);
    case 'float':
      return formatPythonFloat(x.v);
  }
}

/** Evaluates an expression to a Python value; throws OUTPOST_ERR_LAUNCH_SUBSTITUTION on any error. */
export function evaluateExpression(expr: string): PyValue {
  return evaluate(expr, new Parser(expr, tokenize(expr)).parse());
}

/** What `$(eval expr)` substitutes: `str(eval(expr))`. */
export function evalToString(expr: string): string {
  return formatPythonValue(evaluateExpression(expr));
}
