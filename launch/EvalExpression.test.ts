import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../runtime/OutpostError.js';
import { evalToString, formatPythonFloat } from './EvalExpression.js';

describe('EvalExpression', () => {
  it('renders results as Python str() does', () => {
    expect(evalToString('1 + 1')).toBe('2');
    expect(evalToString('4 / 2')).toBe('2.0');
    expect(evalToString('7 // 2')).toBe('3');
    expect(evalToString('-7 // 2')).toBe('-4');
    expect(evalToString('-7 % 3')).toBe('2');
    expect(evalToString('7.5 // 2')).toBe('3.0');
    expect(evalToString('2 ** 10')).toBe('1024');
    expect(evalToString('2 ** -1')).toBe('0.5');
    expect(evalToString('-2 ** 2')).toBe('-4');
    expect(evalToString('0.1 + 0.2')).toBe('0.30000000000000004');
    expect(evalToString('1.5 * 2')).toBe('3.0');
    expect(evalToString('True')).toBe('True');
    expect(evalToString('true and false')).toBe('False');
    expect(evalToString('True + 1')).toBe('2');
  });

  it('follows precedence, parentheses and unary minus', () => {
    expect(evalToString('1 + 2 * 3')).toBe('7');
    expect(evalToString('(1 + 2) * 3')).toBe('9');
    expect(evalToString('- (2 + 3)')).toBe('-5');
    expect(evalToString('2 * 3 ** 2')).toBe('18');
    expect(evalToString('2 ** 3 ** 2')).toBe('512');
    expect(evalToString('not 1 == 2 and 3 > 2')).toBe('True');
  });

  it('compares (chained) and returns deciding operands of and/or', () => {
    expect(evalToString('1 < 2 < 3')).toBe('True');
    expect(evalToString('1 < 3 < 2')).toBe('False');
    expect(evalToString('1 == 1.0')).toBe('True');
    expect(evalToString("'a' != 'b'")).toBe('True');
    expect(evalToString("'abc' < 'abd'")).toBe('True');
    expect(evalToString("'' or 'fallback'")).toBe('fallback');
    expect(evalToString('0 and 1 / 0')).toBe('0'); // right side never evaluated
  });

  it('handles strings: both quotes, escapes, concatenation, repetition', () => {
    expect(evalToString(`'r' + "1"`)).toBe('r1');
    expect(evalToString(`'it\\'s'`)).toBe("it's");
    expect(evalToString(`'ab' * 2`)).toBe('abab');
    expect(evalToString(`"sim" == 'sim'`)).toBe('True');
  });

  it('formats floats like Python repr', () => {
    expect(formatPythonFloat(1e16)).toBe('1e+16');
    expect(formatPythonFloat(1e15)).toBe('1000000000000000.0');
    expect(formatPythonFloat(1e-5)).toBe('1e-05');
    expect(formatPythonFloat(0.0001)).toBe('0.0001');
    expect(formatPythonFloat(-0)).toBe('-0.0');
    expect(formatPythonFloat(Infinity)).toBe('inf');
  });

  it.each([
    ['1 +', /expected a value at column 4, got end of expression/],
    ['(1 + 2', /expected "\)" at column 7/],
    ['1 2', /unexpected "2" at column 3; expected an operator or the end/],
    ['speed > 1', /unknown name "speed" at column 1/],
    ["'r' + 1", /cannot add str and int/],
    ['1 / 0', /division by zero/],
    ["'a' < 1", /cannot order str and int/],
    ["'open", /unterminated string/],
    ['1 & 2', /unexpected character "&" at column 3/],
    ['', /expected an expression, got nothing/],
  ])('rejects %j', (expr, message) => {
    let error: unknown;
    try {
      evalToString(expr);
    } catch (err) {
      error = err;
    }
    expect(isOutpostError(error, 'OUTPOST_ERR_LAUNCH_SUBSTITUTION')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(`$(eval ${JSON.stringify(expr)}): `)).toBe(true);
  });

  it('never reaches JavaScript eval', () => {
    expect(() => evalToString('process.exit(1)')).toThrow(/unexpected|unknown name "process"/);
    expect(() => evalToString('constructor')).toThrow(/unknown name "constructor"/);
  });
});
