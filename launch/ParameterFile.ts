import { isMap, isScalar, isSeq } from 'yaml';
import type { SourceLocation } from '../runtime/OutpostError.js';
import { YamlSource, describeNode, type YamlNode } from './YamlSource.js';

/** One parameter set by a parameter file, with where it was written. */
export interface FileParameter {
  name: string;
  value: unknown;
  location: SourceLocation;
  /** `file:line:col`, for messages. */
  where: string;
}

/** One `<node key>: {ros__parameters: {...}}` entry. */
export interface ParameterFileEntry {
  key: string;
  /** The key names no one node (its last token is a wildcard, as in `/**` or `/r1/*`). */
  wildcard: boolean;
  parameters: FileParameter[];
  where: string;
}

const PARAMS_KEY = 'ros__parameters';

/**
 * The regular expression a node key stands for, matched against a fully qualified node name:
 * `/**` any number of tokens, `*` one token (or part of one). A key without a leading slash is
 * matched at the end of the name (`mapper` and `r1/mapper` match `/r1/mapper`), i.e. as
 * `/**\/mapper`; rcl would read it as `/mapper`, which surprises everyone who namespaces robots.
 */
export function nodeKeyPattern(key: string): RegExp {
  const absolute = key.startsWith('/') ? key : `/**/${key}`;
  const tokens = absolute
    .slice(1)
    .split('/')
    .filter((t) => t !== '');
  const body = tokens
    .map((t) => {
      if (t === '**') return '(?:/[^/]+)*';
      return (
        '/' +
        t
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*')
      );
    })
    .join('');
  return new RegExp(`^${body === '' ? '/' : body}$`);
}

/**
 * A ROS 2 parameter file: `<node key>: {ros__parameters: {...}}`, keys optionally nested by
 * namespace (`r1: {mapper: {ros__parameters: ...}}`), nested parameter maps flattened to dotted
 * names (`planner: {step: 1}` → `planner.step`). Layout errors throw OUTPOST_ERR_PARAMETER_FILE.
 */
export class ParameterFile {
  readonly entries: ParameterFileEntry[] = [];
  readonly source: YamlSource;

  constructor(source: YamlSource) {
    this.source = source;
    const root = source.root;
    if (!isMap(root) || root.items.length === 0) {
      source.fail(
        'OUTPOST_ERR_PARAMETER_FILE',
        root,
        `expected a ROS 2 parameter file (<node name>: {${PARAMS_KEY}: {...}}), got ${describeNode(root)}`,
      );
    }
    this.#walk(root, []);
  }

  static read(path: string): ParameterFile {
    return new ParameterFile(YamlSource.read(path, 'OUTPOST_ERR_PARAMETER_FILE', 'parameter file'));
  }

  /** The entries that apply to a node, in file order (so later entries override earlier ones). */
  matching(fullyQualifiedName: string): ParameterFileEntry[] {
    return this.entries.filter((e) => nodeKeyPattern(e.key).test(fullyQualifiedName));
  }

  #walk(map: YamlNode, prefix: string[]): void {
    const src = this.source;
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const keyNode = pair.key as YamlNode;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const value = src.deref(pair.value);
      if (key === PARAMS_KEY) {
        if (prefix.length === 0) {
          src.fail(
            'OUTPOST_ERR_PARAMETER_FILE',
            keyNode,
            `${PARAMS_KEY} must sit under a node name (<node name>: {${PARAMS_KEY}: {...}}), got it at the top level`,
          );
        }
        const nodeKey = prefix.join('/').replace(/\/{2,}/g, '/');
        const entry: ParameterFileEntry = {
          key: nodeKey,
          wildcard: /\*/.test(nodeKey.split('/').pop() ?? ''),
          parameters: [],
          where: src.where(keyNode),
        };
        if (!(isScalar(value) && value.value === null)) {
          if (!isMap(value))
            src.fail(
              'OUTPOST_ERR_PARAMETER_FILE',
              value,
              `"${nodeKey}" ${PARAMS_KEY}: expected a map of parameters, got ${describeNode(value)}`,
              keyNode,
            );
          this.#flatten(value!, '', entry);
        }
        this.entries.push(entry);
      } else if (isMap(value)) {
        this.#walk(value, [...prefix, key]);
      } else {
        const under = [...prefix, key].join('/');
        src.fail(
          'OUTPOST_ERR_PARAMETER_FILE',
          value,
          `"${under}": expected ${prefix.length === 0 ? 'a node name with' : 'a namespace or node name with'} ` +
            `{${PARAMS_KEY}: {...}} under it (the ROS 2 parameter file layout), got ${describeNode(value)}`,
          keyNode,
        );
      }
    }
  }

  #flatten(map: YamlNode, prefix: string, entry: ParameterFileEntry): void {
    const src = this.source;
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const keyNode = pair.key as YamlNode;
      const name = prefix + (isScalar(keyNode) ? String(keyNode.value) : '?');
      const value = src.deref(pair.value);
      if (isMap(value)) {
        this.#flatten(value, `${name}.`, entry);
        continue;
      }
      const scalar = (n: YamlNode | null): unknown => {
        if (!isScalar(n) || n.value === null) {
          return src.fail(
            'OUTPOST_ERR_PARAMETER_FILE',
            n,
            `"${entry.key}" parameter "${name}": expected a value (a scalar or a list of scalars), got ${describeNode(n)}`,
            keyNode,
          );
        }
        return n.value;
      };
      const v = isSeq(value) ? value.items.map((i) => scalar(src.deref(i))) : scalar(value);
      entry.parameters.push({ name, value: v, location: src.locate(value, keyNode), where: src.where(value, keyNode) });
    }
  }
}
