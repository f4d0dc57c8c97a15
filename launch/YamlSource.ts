import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  LineCounter,
  isAlias,
  type Alias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { OutpostError, describeValue, type OutpostErrorCode, type SourceLocation } from '../runtime/OutpostError.js';

/** How a path appears in messages: relative to the working directory when it lies below it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Aliases one file may follow in all: far above what a hand-written launch or parameter file uses. */
export const MAX_ALIAS_RESOLUTIONS = 1000;

/**
 * One YAML file (a launch file or a parameter file) parsed with node positions, so every error
 * can name `file:line:column`. `code` is the error code for a file that cannot be read or parsed.
 */
export class YamlSource {
  readonly path: string;
  readonly display: string;
  readonly root: YamlNode | null;
  readonly #doc: Document;
  readonly #lines = new LineCounter();
  readonly #code: OutpostErrorCode;
  /** Aliases followed so far (see MAX_ALIAS_RESOLUTIONS). */
  #aliases = 0;
  readonly #resolved = new Map<Alias, YamlNode | null>();

  private constructor(path: string, text: string, code: OutpostErrorCode) {
    this.path = path;
    this.display = displayPath(path);
    this.#code = code;
    this.#doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: true });
    const first = this.#doc.errors[0];
    if (first !== undefined) {
      const pos = first.linePos?.[0] ?? { line: 1, col: 1 };
      const what = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const location = { file: path, line: pos.line, column: pos.col };
      throw new OutpostError(code, `${this.display}:${pos.line}:${pos.col}: YAML syntax error: ${what}`, { location });
    }
    this.root = (this.#doc.contents as YamlNode | null) ?? null;
  }

  /** Reads and parses `path` (made absolute); a missing file or bad YAML throws `code`. */
  static read(path: string, code: OutpostErrorCode, what = 'file'): YamlSource {
    const abs = resolve(path);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new OutpostError(code, `${displayPath(abs)}: cannot read ${what}: ${reason}`, {
        cause: err,
        location: { file: abs, line: 1, column: 1 },
      });
    }
    return new YamlSource(abs, text, code);
  }

  /** Parses text already in hand (tests, generated files). */
  static fromText(path: string, text: string, code: OutpostErrorCode): YamlSource {
    return new YamlSource(resolve(path), text, code);
  }

  /** Follows an alias (`*name`) to the node it names. */
  deref(node: unknown): YamlNode | null {
    if (isAlias(node)) {
      // The walks over a file follow aliases as they go: an alias inside its own anchor never ends,
      // and anchors that each name the previous one twice expand 2^n times (found by fuzzing,
      // yaml's own maxAliasCount guards only toJS). A budget per file ends both.
      if (++this.#aliases > MAX_ALIAS_RESOLUTIONS) {
        this.fail(
          this.#code,
          node,
          `YAML aliases expand more than ${MAX_ALIAS_RESOLUTIONS} times (an alias inside the anchor it names, ` +
            'or anchors nested to expand exponentially); expected each anchor to be used a few times',
        );
      }
      // Alias.resolve searches the whole document each time: resolve each alias once.
      let target = this.#resolved.get(node);
      if (target === undefined) {
        target = (node.resolve(this.#doc) as YamlNode | undefined) ?? null;
        this.#resolved.set(node, target);
      }
      return target;
    }
    return (node as YamlNode | null | undefined) ?? null;
  }

  locate(node: unknown, fallback?: unknown): SourceLocation {
    const n = isPair(node) ? node.key : node;
    const range = (n as { range?: [number, number, number] } | null | undefined)?.range;
    if (range === undefined) {
      if (fallback !== undefined) return this.locate(fallback);
      return { file: this.path, line: 1, column: 1 };
    }
    const pos = this.#lines.linePos(range[0]);
    return { file: this.path, line: pos.line, column: pos.col };
  }

  /** `file:line:col` of a node, as messages show it. */
  where(node: unknown, fallback?: unknown): string {
    const loc = this.locate(node, fallback);
    return `${this.display}:${loc.line}:${loc.column}`;
  }

  /** Throws an OutpostError located at `node`: `file:line:col: message`. */
  fail(code: OutpostErrorCode, node: unknown, message: string, fallback?: unknown): never {
    const location = this.locate(node, fallback);
    throw new OutpostError(code, `${this.display}:${location.line}:${location.column}: ${message}`, { location });
  }

  /**
   * Runs `fn`, and gives any OutpostError it throws without a location this node's place: the
   * runtime's checks (names, parameter types) then read `file:line:col: <their message>`.
   */
  at<T>(node: unknown, fn: () => T): T {
    const location = this.locate(node);
    return withLocation(location, `${this.display}:${location.line}:${location.column}`, fn);
  }
}

/**
 * Runs `fn`; an OutpostError it throws without a location gets this one, and `where: ` before its
 * message. Errors that already carry a location pass unchanged.
 */
export function withLocation<T>(location: SourceLocation, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OutpostError && err.location === undefined) {
      throw new OutpostError(err.code, `${where}: ${err.message}`, { cause: err, location });
    }
    throw err;
  }
}

/** A short description of a YAML node's kind for "expected X, got Y" messages. */
export function describeNode(node: YamlNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing (null)' : describeValue(node.value);
  return 'an unsupported YAML node';
}

/** The text a plain scalar was written as (`1.0` stays "1.0", not "1"). */
export function scalarSource(node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

export type { YamlNode, YAMLMap, YAMLSeq, Scalar };
