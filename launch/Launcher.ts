import type { Logger } from 'pino';
import { Context } from '../runtime/Context.js';
import type { Node } from '../runtime/Node.js';
import type { NodeKindRegistry } from '../runtime/NodeKind.js';
import type { Publisher } from '../runtime/Publisher.js';
import { BusServer } from '../runtime/transport/BusServer.js';
import { LocalTransport } from '../runtime/transport/LocalTransport.js';
import { joinName } from '../runtime/TopicName.js';
import { Node as RuntimeNode } from '../runtime/Node.js';
import { ChildNodeProcess, type ChildEvent } from './ChildNodeProcess.js';
import type { LaunchNodeSpec, LaunchPlan } from './LaunchPlan.js';
import { runDirectory, socketPathFor, writeLaunchCard } from './RunDirectory.js';

/** outpost_msgs/msg/NodeEvent constants. */
const EVENT = { STARTED: 0, TRANSITION: 1, EXITED: 2, RESPAWNING: 3, GAVE_UP: 4, STOPPED: 5 } as const;

export interface LauncherOptions {
  plan: LaunchPlan;
  kinds: NodeKindRegistry;
  logger: Logger;
  /** Folder for the bus socket and the launch card (default: runDirectory()). */
  runDir?: string;
}

/**
 * Runs a validated launch plan: in-process nodes share one context (one executor, one local
 * bus); `process: true` nodes run as child processes joined to that bus over a Unix socket,
 * which `outpost topic ...` also uses. Every node is brought up through configure → activate and
 * down through deactivate → cleanup → shutdown. Node events go to /outpost/events.
 */
export class Launcher {
  readonly context: Context;
  #plan: LaunchPlan;
  #kinds: NodeKindRegistry;
  #logger: Logger;
  #runDir: string;
  #nodes: Node[] = [];
  #children: ChildNodeProcess[] = [];
  #bus: BusServer | undefined;
  #removeCard: (() => void) | undefined;
  #events: Publisher<'outpost_msgs/msg/NodeEvent'> | undefined;
  #self: RuntimeNode | undefined;
  #stopped = false;

  constructor(options: LauncherOptions) {
    this.#plan = options.plan;
    this.#kinds = options.kinds;
    this.#logger = options.logger;
    this.#runDir = options.runDir ?? runDirectory();
    this.context = new Context({
      logger: options.logger,
      transport: new LocalTransport({
        qosWarning: (topic, pub, sub, reason) =>
          options.logger.warn({ topic, publisher: pub, subscriber: sub }, `incompatible QoS on ${topic}: ${reason}`),
      }),
    });
  }

  get socketPath(): string | undefined {
    return this.#bus?.path;
  }

  get nodes(): readonly Node[] {
    return this.#nodes;
  }

  async start(): Promise<void> {
    const socket = socketPathFor(this.#runDir, process.pid);
    this.#bus = await BusServer.listen(
      socket,
      (this.context.transport as LocalTransport).bus,
      this.context.registry,
      this.#logger,
    );
    this.#removeCard = writeLaunchCard(this.#runDir, {
      pid: process.pid,
      file: this.#plan.file,
      socket,
      startedAt: new Date().toISOString(),
    });
    this.#self = new RuntimeNode('launcher', '/outpost', this.context);
    this.#events = this.#self.createPublisher('outpost_msgs/msg/NodeEvent', '/outpost/events', { qos: { depth: 100 } });

    for (const spec of this.#plan.nodes) {
      if (spec.process) this.#startChild(spec, socket);
      else await this.#startInProcess(spec);
    }
    // Latched: every in-process node has been configured and activated (a simulator waits for it
    // before its clock moves, so all nodes start at sim time 0 whatever the machine's speed).
    this.#self
      .createPublisher('std_msgs/msg/Bool', '/outpost/launch_ready', {
        qos: { durability: 'transient_local', depth: 1 },
      })
      .publish({ data: true });
    this.#logger.info(
      { socket, nodes: this.#plan.nodes.length },
      `launched ${this.#plan.nodes.length} node(s) from ${this.#plan.file}`,
    );
  }

  /** Brings every node down through its lifecycle, in reverse start order, and ends children. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(this.#children.map((c) => c.stop()));
    for (const node of [...this.#nodes].reverse()) {
      try {
        await node.shutdownAndDestroy();
        this.#event(node.getFullyQualifiedName(), EVENT.STOPPED, node.lifecycleState, 0, 0, 0, '');
      } catch (err) {
        this.#logger.error({ err }, `shutting down ${node.getFullyQualifiedName()} failed`);
      }
    }
    // A callback that never settles must not keep the launcher from exiting.
    await Promise.race([this.context.spinUntilIdle(), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.#self?.destroy();
    await this.#bus?.close();
    this.#removeCard?.();
    await this.context.close();
  }

  async #startInProcess(spec: LaunchNodeSpec): Promise<void> {
    const kind = this.#kinds.get(spec.kind);
    if (kind === undefined) throw new Error(`node kind ${spec.kind} vanished from the registry`);
    const node = kind.create(this.context, {
      name: spec.name,
      namespace: spec.namespace,
      parameterOverrides: spec.parameters,
      remappings: spec.remappings,
    });
    this.#nodes.push(node);
    node.onLifecycleTransition((o) => {
      this.#event(node.getFullyQualifiedName(), EVENT.TRANSITION, o.to, 0, 0, 0, `${o.transition}: ${o.result}`);
      if (o.result !== 'success') {
        this.#logger.error(
          { err: o.error, node: node.getFullyQualifiedName() },
          `${o.transition} ${o.result}; node is ${o.to}`,
        );
      }
    });
    for (const t of ['configure', 'activate'] as const) {
      const o = await node[t]();
      if (o.result !== 'success') break;
    }
  }

  #startChild(spec: LaunchNodeSpec, socket: string): void {
    const fqn = joinName(spec.namespace, spec.name);
    const log = this.#logger.child({ node: fqn });
    const child = new ChildNodeProcess(spec, socket, log, (e: ChildEvent) => {
      switch (e.kind) {
        case 'started':
          log.info({ pid: e.pid }, `started process ${e.pid}`);
          this.#event(fqn, EVENT.STARTED, '', e.pid, 0, child.restarts, '');
          return;
        case 'exited': {
          const how = e.signal !== null ? `killed by ${e.signal}` : `exited with code ${e.code}`;
          (this.#stopped ? log.info.bind(log) : log.warn.bind(log))(
            { pid: e.pid, code: e.code, signal: e.signal },
            `process ${e.pid} ${how}`,
          );
          this.#event(fqn, EVENT.EXITED, '', e.pid, e.code ?? -1, child.restarts, how);
          return;
        }
        case 'respawning':
          log.warn(
            { restart: e.restart, delay_s: e.delay },
            `respawning in ${e.delay} s (restart ${e.restart}${spec.respawnMaxRetries >= 0 ? ` of ${spec.respawnMaxRetries}` : ''})`,
          );
          this.#event(fqn, EVENT.RESPAWNING, '', 0, 0, e.restart, `in ${e.delay} s`);
          return;
        case 'gave_up':
          log.error(
            { restarts: e.restarts },
            `not respawning: respawn_max_retries (${spec.respawnMaxRetries}) reached`,
          );
          this.#event(fqn, EVENT.GAVE_UP, '', 0, 0, e.restarts, 'respawn_max_retries reached');
          return;
      }
    });
    this.#children.push(child);
    child.start();
  }

  #event(
    node: string,
    event: number,
    state: string,
    pid: number,
    exitCode: number,
    restarts: number,
    detail: string,
  ): void {
    if (this.#self === undefined || this.#self.isDestroyed) return;
    this.#events?.publish({
      stamp: this.#self.now().toMsg(),
      node,
      event,
      state,
      pid,
      exit_code: exitCode,
      restart_count: restarts,
      detail,
    });
  }
}
