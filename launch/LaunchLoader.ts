import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { NodeKindRegistry } from '../runtime/NodeKind.js';
import { OutpostError, describeValue } from '../runtime/OutpostError.js';
import { ActionFields, canonicalName, parseRosBool, type ActionSchema, type Resolver } from './ActionFields.js';
import { buildNodeSpec, NODE_SCHEMA, type NodeActionHost } from './LaunchNodeAction.js';
import type { LaunchNodeSpec, LaunchPlan, LoadLaunchOptions } from './LaunchPlan.js';
import { LaunchScope } from './LaunchScope.js';
import { ParameterFile } from './ParameterFile.js';
import { hasSubstitution, resolveSubstitutions } from './Substitution.js';
import { YamlSource, describeNode, displayPath, type YamlNode } from './YamlSource.js';

/** The file being read and the chain of includes that led to it. */
interface Frame {
  source: YamlSource;
  /** Absolute paths, outermost first, ending with this file. */
  chain: string[];
  /** The top-level file (its arguments go into the plan). */
  top: boolean;
}

interface ActionRun {
  fields: ActionFields;
  scope: LaunchScope;
  frame: Frame;
  children: YamlNode[];
}

interface ActionKind {
  schema: ActionSchema;
  run(loader: LaunchLoader, a: ActionRun): void;
}

const CONDITION: ActionSchema = { if: { type: 'text' }, unless: { type: 'text' } };
const NAME_VALUE: ActionSchema = { name: { type: 'text', required: true }, value: { type: 'text', required: true } };

/** One action written as a list item: `- node: {...}`. */
interface ParsedAction {
  name: string;
  kind: ActionKind;
  key: YamlNode;
  value: YamlNode | null;
}

/**
 * Reads launch files into a LaunchPlan: runs the actions (arg, let, include, group,
 * push_ros_namespace, set_parameter, set_remap, node) in order, in their scopes, without starting
 * anything. The action table below is keyed by name, as launch's frontend registers parsers.
 */
export class LaunchLoader implements NodeActionHost {
  readonly registry: NodeKindRegistry;
  readonly #given: Record<string, string>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #anon = new Map<string, string>();
  readonly #files: string[] = [];
  readonly #paramFiles = new Map<string, ParameterFile>();
  readonly #nodes: LaunchNodeSpec[] = [];
  readonly #byName = new Map<string, string>();
  readonly #arguments: Record<string, string> = {};

  constructor(options: LoadLaunchOptions) {
    this.registry = options.registry;
    this.#given = { ...options.arguments };
    this.#env = options.env ?? process.env;
  }

  load(path: string): LaunchPlan {
    const file = resolve(path);
    const source = this.#read(file, 'OUTPOST_ERR_LAUNCH_FILE', 'launch file');
    const declared = this.#declaredArguments(source);
    for (const name of Object.keys(this.#given)) {
      if (!declared.has(name)) {
        source.fail(
          'OUTPOST_ERR_LAUNCH_ARGUMENT',
          null,
          `argument ${describeValue(name)} (given as ${name}:=${this.#given[name]}) is not declared by any arg in this file; ` +
            `expected one of ${declared.size > 0 ? [...declared].join(', ') : '(none: the file takes no arguments)'}`,
        );
      }
    }
    this.#runFile({ source, chain: [file], top: true }, new LaunchScope(new Map(Object.entries(this.#given))));
    return { file, arguments: { ...this.#arguments }, nodes: [...this.#nodes], files: [...this.#files] };
  }

  /** NodeActionHost: each parameter file is read once per load. */
  parameterFile(path: string, item: ActionFields): ParameterFile {
    let file = this.#paramFiles.get(path);
    if (file === undefined) {
      if (!existsSync(path)) {
        item.source.fail(
          'OUTPOST_ERR_LAUNCH_FILE',
          item.where('from'),
          `${item.label}: parameter file ${displayPath(path)} does not exist`,
        );
      }
      this.#files.push(path);
      file = ParameterFile.read(path);
      this.#paramFiles.set(path, file);
    }
    return file;
  }

  #read(path: string, code: 'OUTPOST_ERR_LAUNCH_FILE', what: string): YamlSource {
    const source = YamlSource.read(path, code, what);
    if (!this.#files.includes(source.path)) this.#files.push(source.path);
    return source;
  }

  /** The `launch:` list of a file. */
  #actionList(source: YamlSource): YamlNode[] {
    const root = source.root;
    const expected = 'expected a map with one key "launch" holding a list of actions';
    if (!isMap(root)) return source.fail('OUTPOST_ERR_LAUNCH_FILE', root, `${expected}, got ${describeNode(root)}`);
    for (const pair of root.items) {
      const key = pair.key as YamlNode;
      if (!isScalar(key) || key.value !== 'launch')
        source.fail('OUTPOST_ERR_LAUNCH_FILE', key, `${expected}, got key ${describeNode(key)}`);
    }
    const list = source.deref(root.get('launch', true));
    if (!isSeq(list))
      return source.fail(
        'OUTPOST_ERR_LAUNCH_FILE',
        list ?? root,
        `"launch": expected a list of actions, got ${describeNode(list)}`,
        root,
      );
    return list.items.map((n) => source.deref(n)!);
  }

  #parseAction(source: YamlSource, item: YamlNode | null): ParsedAction {
    const names = Object.keys(LaunchLoader.#ACTIONS).join(', ');
    if (!isMap(item))
      return source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        item,
        `expected an action (a map with one key, e.g. "- node: {exec: ...}"), got ${describeNode(item)}`,
      );
    if (item.items.length !== 1) {
      const keys = item.items.map((p) => String((p.key as { value?: unknown }).value)).join(', ');
      source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        item,
        `expected one action per list item, got keys ${keys} (are the fields indented under the action?)`,
      );
    }
    const pair = item.items[0]!;
    const key = pair.key as YamlNode;
    const raw = isScalar(key) ? String(key.value) : '';
    const name = canonicalName(raw);
    if (!Object.hasOwn(LaunchLoader.#ACTIONS, name))
      source.fail('OUTPOST_ERR_LAUNCH_ACTION', key, `unknown action ${describeValue(raw)}; expected one of ${names}`);
    return { name, kind: LaunchLoader.#ACTIONS[name]!, key, value: source.deref(pair.value) };
  }

  /** Fields and children of an action. `group` may also be written as a bare list of children. */
  #fields(source: YamlSource, a: ParsedAction, resolver: Resolver): { fields: ActionFields; children: YamlNode[] } {
    if (a.name === 'group' && isSeq(a.value)) {
      const schema = { ...a.kind.schema, children: { type: 'children' as const } };
      return {
        fields: new ActionFields(a.name, source, null, a.key, schema, resolver),
        children: a.value.items.map((n) => source.deref(n)!),
      };
    }
    const fields = new ActionFields(a.name, source, a.value, a.key, a.kind.schema, resolver);
    return { fields, children: fields.children('children') };
  }

  /**
   * Checks the shape of every action in a file, also in branches an `if` will skip, and returns the
   * names its `arg`s declare, so a misspelt argument is caught before anything runs.
   */
  #declaredArguments(source: YamlSource): Set<string> {
    const names = new Set<string>();
    const noResolve: Resolver = (text) => text;
    const walk = (items: YamlNode[]): void => {
      for (const item of items) {
        const a = this.#parseAction(source, item);
        const { fields, children } = this.#fields(source, a, noResolve);
        if (a.name === 'arg') {
          const name = fields.text('name');
          if (name !== undefined && !hasSubstitution(name)) names.add(name);
        }
        walk(children);
      }
    };
    walk(this.#actionList(source));
    return names;
  }

  #resolver(scope: LaunchScope, source: YamlSource): Resolver {
    const ctx = {
      variable: (name: string) => scope.configs.get(name),
      variableNames: () => [...scope.configs.keys()].sort(),
      env: this.#env,
      anon: (name: string) => {
        let v = this.#anon.get(name);
        if (v === undefined) this.#anon.set(name, (v = `${name}_${randomBytes(4).toString('hex')}`));
        return v;
      },
      file: source.path,
    };
    return (text, node) => source.at(node, () => resolveSubstitutions(text, ctx));
  }

  #runFile(frame: Frame, scope: LaunchScope): void {
    this.#runActions(frame, this.#actionList(frame.source), scope);
  }

  #runActions(frame: Frame, items: YamlNode[], scope: LaunchScope): void {
    for (const item of items) {
      const a = this.#parseAction(frame.source, item);
      const { fields, children } = this.#fields(frame.source, a, this.#resolver(scope, frame.source));
      if (!this.#condition(fields)) continue;
      a.kind.run(this, { fields, scope, frame, children });
    }
  }

  /** `if:` / `unless:`, read as ROS reads conditions: true/1 or false/0, in any case. */
  #condition(fields: ActionFields): boolean {
    let run = true;
    for (const field of ['if', 'unless'] as const) {
      const text = fields.text(field);
      if (text === undefined) continue;
      const b = parseRosBool(text);
      if (b === undefined) {
        fields.source.fail(
          'OUTPOST_ERR_LAUNCH_ACTION',
          fields.where(field),
          `${fields.label}: ${field}: expected true, false, 1 or 0, got ${describeValue(text)}`,
        );
      }
      run &&= field === 'if' ? b : !b;
    }
    return run;
  }

  #argAction({ fields, scope, frame }: ActionRun): void {
    const name = fields.requiredText('name');
    const required = (): never => {
      const description = fields.text('description');
      return fields.source.fail(
        'OUTPOST_ERR_LAUNCH_ARGUMENT',
        fields.anchor,
        `arg ${describeValue(name)}: required argument not given and it has no default; ` +
          `expected ${frame.top ? `${name}:=<value> on the command line` : `{name: ${name}, value: ...} in the include's arg list`}${description !== undefined ? ` (${description})` : ''}`,
      );
    };
    const value = scope.configs.get(name) ?? fields.text('default') ?? required();
    const choices = fields.list('choice').map((c) => c.requiredText('value'));
    if (choices.length > 0 && !choices.includes(value)) {
      fields.source.fail(
        'OUTPOST_ERR_LAUNCH_ARGUMENT',
        fields.anchor,
        `arg ${describeValue(name)}: expected one of ${choices.map((c) => describeValue(c)).join(', ')}, got ${describeValue(value)}`,
      );
    }
    scope.configs.set(name, value);
    if (frame.top) this.#arguments[name] = value;
  }

  #letAction({ fields, scope }: ActionRun): void {
    scope.configs.set(fields.requiredText('name'), fields.requiredText('value'));
  }

  #includeAction({ fields, scope, frame }: ActionRun): void {
    const src = fields.source;
    const path = resolve(dirname(src.path), fields.requiredText('file'));
    if (frame.chain.includes(path)) {
      const cycle = [...frame.chain.slice(frame.chain.indexOf(path)), path].map(displayPath).join(' → ');
      src.fail(
        'OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE',
        fields.where('file'),
        `include: launch files include each other in a cycle: ${cycle}`,
      );
    }
    if (!existsSync(path))
      src.fail('OUTPOST_ERR_LAUNCH_FILE', fields.where('file'), `include: file ${displayPath(path)} does not exist`);
    const args = new Map<string, { value: string; item: ActionFields }>();
    for (const item of fields.list('arg'))
      args.set(item.requiredText('name'), { value: item.requiredText('value'), item });
    const source = this.#read(path, 'OUTPOST_ERR_LAUNCH_FILE', 'included launch file');
    const declared = this.#declaredArguments(source);
    for (const [name, { item }] of args) {
      if (!declared.has(name)) {
        src.fail(
          'OUTPOST_ERR_LAUNCH_ARGUMENT',
          item.anchor,
          `include ${displayPath(path)}: argument ${describeValue(name)} is not declared there; ` +
            `expected one of ${declared.size > 0 ? [...declared].join(', ') : '(none: it takes no arguments)'}`,
        );
      }
    }
    const configs = new Map([...args].map(([k, v]) => [k, v.value]));
    try {
      this.#runFile({ source, chain: [...frame.chain, path], top: false }, scope.forInclude(configs));
    } catch (err) {
      // Say how the failing file was reached; code and location stay those of the real place.
      if (!(err instanceof OutpostError) || err.location === undefined) throw err;
      throw new OutpostError(err.code, `${err.message}\n  (included from ${src.where(fields.anchor)})`, {
        cause: err.cause,
        location: err.location,
      });
    }
  }

  #groupAction({ fields, scope, frame, children }: ActionRun): void {
    const scoped = fields.bool('scoped', true);
    const forwarding = fields.bool('forwarding', true);
    if (!forwarding && !scoped) {
      fields.source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        fields.where('forwarding'),
        'group: forwarding: false needs scoped: true (an unscoped group cannot hide arguments)',
      );
    }
    const inner = scoped ? scope.child() : scope;
    if (!forwarding) {
      inner.configs.clear();
      for (const k of fields.list('keep')) inner.configs.set(k.requiredText('name'), k.requiredText('value'));
    }
    this.#runActions(frame, children, inner);
  }

  #pushNamespaceAction({ fields, scope }: ActionRun): void {
    const ns = fields.requiredText('namespace');
    fields.source.at(fields.where('namespace'), () => scope.pushNamespace(ns));
  }

  #setParameterAction({ fields, scope }: ActionRun): void {
    const name = fields.requiredText('name');
    const declaredBy = this.registry.all().filter((k) => Object.hasOwn(k.parameters, name));
    if (name !== 'use_sim_time' && declaredBy.length === 0) {
      fields.source.fail(
        'OUTPOST_ERR_UNKNOWN_PARAMETER',
        fields.where('name'),
        `set_parameter: no registered node kind declares parameter ${describeValue(name)}; expected use_sim_time or a parameter of ${this.registry.names().join(', ')}`,
      );
    }
    const location = fields.source.locate(fields.anchor);
    scope.parameters.push({ name, value: fields.value('value'), location, where: fields.source.where(fields.anchor) });
  }

  #setRemapAction({ fields, scope }: ActionRun): void {
    scope.remaps.push({ from: fields.requiredText('from'), to: fields.requiredText('to') });
  }

  #nodeAction({ fields, scope }: ActionRun): void {
    const spec = buildNodeSpec(fields, scope, this);
    const fqn = spec.namespace === '/' ? `/${spec.name}` : `${spec.namespace}/${spec.name}`;
    const first = this.#byName.get(fqn);
    if (first !== undefined) {
      fields.source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        fields.anchor,
        `node: a second node named ${fqn} (the first is at ${first}); expected unique fully qualified names: give one a different name or namespace`,
      );
    }
    this.#byName.set(fqn, fields.source.where(fields.anchor));
    this.#nodes.push(spec);
  }

  /** The actions, keyed by their YAML name (launch's frontend names, '-' read as '_'). */
  static readonly #ACTIONS: Readonly<Record<string, ActionKind>> = {
    arg: {
      schema: {
        ...CONDITION,
        name: { type: 'text', required: true },
        default: { type: 'text' },
        description: { type: 'text' },
        choice: { type: 'list', items: { value: { type: 'text', required: true } } },
      },
      run: (l, a) => l.#argAction(a),
    },
    let: { schema: { ...CONDITION, ...NAME_VALUE }, run: (l, a) => l.#letAction(a) },
    include: {
      schema: { ...CONDITION, file: { type: 'text', required: true }, arg: { type: 'list', items: NAME_VALUE } },
      run: (l, a) => l.#includeAction(a),
    },
    group: {
      schema: {
        ...CONDITION,
        scoped: { type: 'bool' },
        forwarding: { type: 'bool' },
        keep: { type: 'list', items: NAME_VALUE },
        children: { type: 'children', required: true },
      },
      run: (l, a) => l.#groupAction(a),
    },
    push_ros_namespace: {
      schema: { ...CONDITION, namespace: { type: 'text', required: true } },
      run: (l, a) => l.#pushNamespaceAction(a),
    },
    set_parameter: {
      schema: { ...CONDITION, name: { type: 'text', required: true }, value: { type: 'value', required: true } },
      run: (l, a) => l.#setParameterAction(a),
    },
    set_remap: {
      schema: { ...CONDITION, from: { type: 'text', required: true }, to: { type: 'text', required: true } },
      run: (l, a) => l.#setRemapAction(a),
    },
    node: { schema: { ...CONDITION, ...NODE_SCHEMA }, run: (l, a) => l.#nodeAction(a) },
  };
}
