import { KindNode, defineNodeKind, nodeKindSpec, type Context, type NodeKindOptions } from '../../runtime/index.js';
import { FoxgloveServer } from './FoxgloveServer.js';

const spec = nodeKindSpec({
  name: 'foxglove_bridge',
  description:
    "Serves the bus to Foxglove's app over the Foxglove WebSocket protocol (every topic, ros2msg schemas, CDR).",
  parameters: {
    port: {
      type: 'integer',
      default: 8765,
      range: { from: 0, to: 65535 },
      description: "TCP port (8765 is Foxglove's default); 0 picks a free one.",
    },
    address: {
      type: 'string',
      default: '127.0.0.1',
      description: 'Bind address: 127.0.0.1 serves this machine only; 0.0.0.0 every interface (the field).',
    },
    topic_whitelist: {
      type: 'string_array',
      default: [],
      description: 'Regular expressions on full topic names; only matching topics are advertised. Empty: every topic.',
      check: (v) => {
        for (const p of v as string[]) {
          try {
            new RegExp(p);
          } catch (err) {
            return `expected regular expressions, got ${JSON.stringify(p)} (${(err as Error).message})`;
          }
        }
        return undefined;
      },
    },
    send_buffer_bytes: {
      type: 'integer',
      default: 1048576,
      unit: 'B',
      range: { from: 1024, to: 1073741824 },
      description:
        'Per client: bytes waiting in its socket past which maps, scans and other large topics send only their newest message (what a thin link can carry); 4× this (at least 4 MiB) bounds every topic.',
    },
  },
  // Whatever topic a client asks for, of whatever type: subscribed only while a client listens.
  subscribes: { '/{topic*}': '*' },
});

/**
 * A Foxglove WebSocket server as a node, so a robot's launch file can serve its own bus
 * (`foxglove:=true` in launch/robot.launch.yaml). Listens while active; under use_sim_time it
 * announces the `time` capability and stamps messages with sim time.
 */
export class FoxgloveBridgeNode extends KindNode<typeof spec> {
  #server: FoxgloveServer | undefined;

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
  }

  /** The running server (while active). */
  get server(): FoxgloveServer | undefined {
    return this.#server;
  }

  protected override async onActivate() {
    this.#server = await FoxgloveServer.start({
      node: this,
      host: this.params.address,
      port: this.params.port,
      topicWhitelist: this.params.topic_whitelist,
      sendBufferBytes: this.params.send_buffer_bytes,
    });
    this.getLogger().info(`foxglove: ${this.#server.url} (open in Foxglove: Open connection → Foxglove WebSocket)`);
    return 'success' as const;
  }

  protected override async onDeactivate() {
    await this.#stop();
    return 'success' as const;
  }

  protected override async onShutdown() {
    await this.#stop();
    return 'success' as const;
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }
}

export const foxgloveBridgeKind = defineNodeKind(spec, (context, options) => new FoxgloveBridgeNode(context, options));
