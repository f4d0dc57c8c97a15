import type { SourceLocation } from '../runtime/OutpostError.js';
import { normalizeNamespace, type Remap } from '../runtime/TopicName.js';

/** A `set_parameter` in force: applied to every node started after it in its scope. */
export interface ScopedParameter {
  name: string;
  /** As written: YAML-typed, or text from the launch file (coerced by each node's declared type). */
  value: unknown;
  location: SourceLocation;
  /** `file:line:col` of the set_parameter, for messages. */
  where: string;
}

/**
 * `ns` pushed onto `base`, as launch_ros's PushRosNamespace and Node do: a relative namespace
 * joins the base, an absolute one replaces it. Throws OUTPOST_ERR_INVALID_NAME on a bad token.
 */
export function composeNamespace(base: string, ns: string): string {
  if (ns.startsWith('/')) return normalizeNamespace(ns);
  if (ns === '') return base;
  return normalizeNamespace(base === '/' ? ns : `${base}/${ns}`);
}

/**
 * What a launch file's actions see at one point: launch configurations (`arg`, `let`) and the ROS
 * state that launch_ros keeps beside them (pushed namespace, `set_parameter`, `set_remap`).
 * A scoped group works on a copy, so nothing it sets leaks out.
 */
export class LaunchScope {
  constructor(
    readonly configs: Map<string, string> = new Map(),
    public namespace = '/',
    readonly parameters: ScopedParameter[] = [],
    readonly remaps: Remap[] = [],
  ) {}

  /** A copy for a scoped group: changes inside do not reach this scope. */
  child(): LaunchScope {
    return new LaunchScope(new Map(this.configs), this.namespace, [...this.parameters], [...this.remaps]);
  }

  /**
   * The scope of an included file: it sees only `configs` (the arguments passed to it), while the
   * pushed namespace, parameters and remaps carry in (so `group { push_ros_namespace; include }`
   * namespaces the included nodes).
   */
  forInclude(configs: Map<string, string>): LaunchScope {
    return new LaunchScope(configs, this.namespace, [...this.parameters], [...this.remaps]);
  }

  pushNamespace(ns: string): void {
    this.namespace = composeNamespace(this.namespace, ns);
  }
}
