import { OutpostError, describeValue } from './OutpostError.js';

/**
 * ROS 2 name rules (design.ros2.org "Topic and Service name mapping"): tokens of letters, digits
 * and underscores, not starting with a digit; `~` is the node's private namespace; relative names
 * resolve inside the node's namespace; remapping rules apply to fully expanded names.
 */
const TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateNodeName(name: string): void {
  if (!TOKEN.test(name)) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_NAME',
      `node name ${describeValue(name)}: expected letters, digits and underscores, not starting with a digit`,
    );
  }
}

/** Normalises a namespace to `/` or `/a/b` (a leading slash is added, a trailing one removed). */
export function normalizeNamespace(ns: string | undefined): string {
  if (ns === undefined || ns === '' || ns === '/') return '/';
  const withSlash = ns.startsWith('/') ? ns : `/${ns}`;
  const trimmed = withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
  for (const token of trimmed.slice(1).split('/')) {
    if (!TOKEN.test(token)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_NAME',
        `namespace ${describeValue(ns)}: token ${describeValue(token)} must be letters, digits and underscores, not starting with a digit`,
      );
    }
  }
  return trimmed;
}

/** `/ns` + `name` → `/ns/name`; `/` + `name` → `/name`. */
export function joinName(ns: string, name: string): string {
  return ns === '/' ? `/${name}` : `${ns}/${name}`;
}

/** Expands a topic or service name for a node: `~/x` → `/ns/node/x`, `x` → `/ns/x`, `/x` stays. */
export function expandTopicName(name: string, nodeName: string, namespace: string): string {
  if (name === '') {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_NAME',
      'topic name is empty; expected e.g. "scan", "~/status" or "/clock"',
    );
  }
  let expanded: string;
  if (name === '~') expanded = joinName(namespace, nodeName);
  else if (name.startsWith('~/')) expanded = `${joinName(namespace, nodeName)}/${name.slice(2)}`;
  else if (name.startsWith('/')) expanded = name;
  else expanded = joinName(namespace, name);
  if (expanded.length > 1 && expanded.endsWith('/')) expanded = expanded.slice(0, -1);
  const tokens = expanded.slice(1).split('/');
  for (const token of tokens) {
    if (!TOKEN.test(token)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_NAME',
        `topic name ${describeValue(name)} (expanded ${describeValue(expanded)}): token ${describeValue(token)} ` +
          'must be letters, digits and underscores, not starting with a digit',
      );
    }
  }
  return expanded;
}

/** A remapping rule `from:=to`, as given on a command line or in a launch file's `remap`. */
export interface Remap {
  from: string;
  to: string;
}

/** Resolves a name for a node: expand, then apply the first remap rule whose expanded `from` matches. */
export function resolveTopicName(name: string, nodeName: string, namespace: string, remaps: readonly Remap[]): string {
  const expanded = expandTopicName(name, nodeName, namespace);
  for (const rule of remaps) {
    if (expandTopicName(rule.from, nodeName, namespace) === expanded) {
      return expandTopicName(rule.to, nodeName, namespace);
    }
  }
  return expanded;
}
