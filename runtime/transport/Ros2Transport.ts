import { OutpostError } from '../OutpostError.js';
import type { RclContext, RclNode, RclnodejsModule } from './RclnodejsApi.js';
import { readRos2Graph } from './Ros2Graph.js';
import { ros2NodeHandle } from './Ros2NodeHandle.js';
import type { GraphSnapshot, NodeHandle, Transport } from './Transport.js';
import { TypeClaims } from './TypeClaims.js';

export interface Ros2TransportOptions {
  /**
   * How often the ROS graph is polled for `onGraphChange` listeners, in milliseconds (default 100).
   * rclnodejs exposes no graph event to JavaScript, so changes are found by comparing snapshots;
   * polling runs only while at least one listener is registered.
   */
  graphPollMs?: number;
  /** How often a client looks for its server while a call waits for one, in milliseconds (default 20). */
  servicePollMs?: number;
  /** An rclnodejs module already loaded by the application (or a test double); default: `import('rclnodejs')`. */
  rclnodejs?: RclnodejsModule;
}

/** The name of the module, held in a `string` so TypeScript does not resolve it at build time. */
const RCLNODEJS: string = 'rclnodejs';

/** Prefix of the hidden node each transport keeps to read the graph (ROS 2 hides names starting with `_`). */
const GRAPH_NODE_PREFIX = '_outpost_graph';

let graphNodeSerial = 0;

/**
 * Nodes on ROS 2 through rclnodejs 2.x. Each Outpost node becomes one rclnodejs node (spun by
 * rclnodejs on the Node.js event loop) in one rclnodejs `Context` per transport, so a transport can
 * be closed without touching others. rclnodejs is loaded only when this transport is asked for.
 */
export class Ros2Transport implements Transport {
  readonly name: string = 'ros2';
  readonly #rcl: RclnodejsModule;
  readonly #context: RclContext;
  readonly #graphNode: RclNode;
  readonly #nodes = new Set<NodeHandle>();
  readonly #topics = new TypeClaims('topic');
  readonly #services = new TypeClaims('service');
  readonly #listeners = new Set<() => void>();
  readonly #graphPollMs: number;
  readonly #servicePollMs: number;
  #poll: ReturnType<typeof setInterval> | undefined;
  #lastGraph = '';
  #closed = false;

  /** Use `createRos2Transport`, which loads and initialises rclnodejs first. */
  constructor(rcl: RclnodejsModule, context: RclContext, options: Ros2TransportOptions = {}) {
    this.#rcl = rcl;
    this.#context = context;
    this.#graphPollMs = options.graphPollMs ?? 100;
    this.#servicePollMs = options.servicePollMs ?? 20;
    this.#graphNode = this.#newRclNode(`${GRAPH_NODE_PREFIX}_${process.pid}_${graphNodeSerial++}`, '/');
  }

  createNodeHandle(fullyQualifiedName: string): NodeHandle {
    if (this.#closed) {
      throw new OutpostError(
        'OUTPOST_ERR_TRANSPORT_CLOSED',
        `ros2 transport is closed; cannot create node ${fullyQualifiedName}`,
      );
    }
    const { namespace, name } = splitFullyQualifiedName(fullyQualifiedName);
    const node = this.#newRclNode(name, namespace);
    const handle: NodeHandle = ros2NodeHandle(node, {
      rcl: this.#rcl,
      topics: this.#topics,
      services: this.#services,
      discoveredTopicTypes: (n) => typesOf(this.#graphNode.getTopicNamesAndTypes(), n),
      discoveredServiceTypes: (n) => typesOf(this.#graphNode.getServiceNamesAndTypes(), n),
      servicePollMs: this.#servicePollMs,
      onDestroy: () => this.#nodes.delete(handle),
    });
    this.#nodes.add(handle);
    return handle;
  }

  graph(): GraphSnapshot {
    if (this.#closed) return { nodes: [], topics: [], services: [] };
    return readRos2Graph(this.#graphNode, (fqn) => fqn.startsWith(`/${GRAPH_NODE_PREFIX}`));
  }

  onGraphChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#poll === undefined && !this.#closed) {
      this.#lastGraph = JSON.stringify(this.graph());
      this.#poll = setInterval(() => this.#checkGraph(), this.#graphPollMs);
      this.#poll.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopPolling();
    };
  }

  /** Destroys every node of this transport and shuts its rclnodejs context down (once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopPolling();
    this.#listeners.clear();
    for (const handle of [...this.#nodes]) {
      try {
        handle.destroy();
      } catch {
        // Keep tearing down the others; the context shutdown below releases what is left.
      }
    }
    this.#graphNode.destroy();
    this.#rcl.shutdown(this.#context);
  }

  #newRclNode(name: string, namespace: string): RclNode {
    const options = new this.#rcl.NodeOptions();
    // Outpost nodes keep their own parameters; rclnodejs's parameter services would show other ones.
    options.startParameterServices = false;
    const node = new this.#rcl.Node(name, namespace, this.#context, options);
    node.spin();
    return node;
  }

  #checkGraph(): void {
    const now = JSON.stringify(this.graph());
    if (now === this.#lastGraph) return;
    this.#lastGraph = now;
    for (const l of [...this.#listeners]) l();
  }

  #stopPolling(): void {
    if (this.#poll !== undefined) clearInterval(this.#poll);
    this.#poll = undefined;
  }
}

/** `/r1/talker` → `{ namespace: '/r1', name: 'talker' }`; `/talker` → namespace `/`. */
export function splitFullyQualifiedName(fqn: string): { namespace: string; name: string } {
  const i = fqn.lastIndexOf('/');
  return { namespace: i <= 0 ? '/' : fqn.slice(0, i), name: fqn.slice(i + 1) };
}

function typesOf(list: Array<{ name: string; types: string[] }>, name: string): string[] {
  return list.find((e) => e.name === name)?.types ?? [];
}

/** What the user reads when rclnodejs is missing: what failed, why, and how to get it. */
export function rclnodejsUnavailableMessage(reason: unknown, failed: 'loaded' | 'initialised' = 'loaded'): string {
  const why = reason instanceof Error ? reason.message : String(reason);
  return (
    `transport "ros2": rclnodejs could not be ${failed} (${why}). ` +
    'rclnodejs is an optional dependency that builds against a sourced ROS 2 installation (Humble or ' +
    'Jazzy, on linux x64/arm64). To get it: source ROS 2 in this shell, e.g. `source /opt/ros/jazzy/setup.bash` ' +
    '(or /opt/ros/humble/setup.bash), then run `npm install rclnodejs` in the project. ' +
    'Without ROS 2, use the "local" transport.'
  );
}

/** Loads rclnodejs (a CommonJS module) or throws OUTPOST_ERR_TRANSPORT_UNAVAILABLE saying how to get it. */
export async function loadRclnodejs(): Promise<RclnodejsModule> {
  let loaded: { default?: RclnodejsModule } & Partial<RclnodejsModule>;
  try {
    loaded = (await import(RCLNODEJS)) as typeof loaded;
  } catch (err) {
    throw new OutpostError('OUTPOST_ERR_TRANSPORT_UNAVAILABLE', rclnodejsUnavailableMessage(err), { cause: err });
  }
  return (loaded.default ?? loaded) as RclnodejsModule;
}

/**
 * The `ros2` transport: loads rclnodejs (unless given one), initialises a fresh rclnodejs
 * context and returns the transport. Rejects with OUTPOST_ERR_TRANSPORT_UNAVAILABLE when rclnodejs
 * cannot be loaded or initialised here.
 */
export async function createRos2Transport(options: Ros2TransportOptions = {}): Promise<Transport> {
  const rcl = options.rclnodejs ?? (await loadRclnodejs());
  const context = new rcl.Context();
  try {
    await rcl.init(context);
  } catch (err) {
    throw new OutpostError('OUTPOST_ERR_TRANSPORT_UNAVAILABLE', rclnodejsUnavailableMessage(err, 'initialised'), {
      cause: err,
    });
  }
  return new Ros2Transport(rcl, context, options);
}
