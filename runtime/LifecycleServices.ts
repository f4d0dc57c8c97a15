import type { LifecycleState, LifecycleTransition } from './Lifecycle.js';
import type { Node } from './Node.js';
import type { BuiltinServiceFactory } from './ParameterServices.js';

/**
 * A node's lifecycle as ROS 2 managed nodes expose it: `~/get_state`, `~/change_state` and
 * `~/get_available_transitions` (lifecycle_msgs), so `outpost lifecycle` (and, on the ros2
 * transport, `ros2 lifecycle`) can drive it. Ids are lifecycle_msgs/msg/State and Transition's.
 */
export function advertiseLifecycleServices(node: Node, createService: BuiltinServiceFactory): void {
  createService('lifecycle_msgs/srv/GetState', '~/get_state', () => ({ current_state: stateMsg(node.lifecycleState) }));
  createService('lifecycle_msgs/srv/GetAvailableTransitions', '~/get_available_transitions', () => ({
    available_transitions: (Object.keys(TRANSITION_IDS) as LifecycleTransition[])
      .filter((t) => node.isTransitionValid(t))
      .map((t) => ({
        transition: { id: transitionId(t, node.lifecycleState), label: t },
        start_state: stateMsg(node.lifecycleState),
        goal_state: stateMsg(GOALS[t]),
      })),
  }));
  createService('lifecycle_msgs/srv/ChangeState', '~/change_state', async (req) => {
    // rclcpp looks a transition up by its label when the id is 0 (TRANSITION_CREATE), as here.
    const t = req.transition.id !== 0 ? transitionById(req.transition.id) : transitionByLabel(req.transition.label);
    if (t === undefined || !node.isTransitionValid(t)) return { success: false };
    try {
      const outcome = await (
        {
          configure: () => node.configure(),
          activate: () => node.activate(),
          deactivate: () => node.deactivate(),
          cleanup: () => node.cleanup(),
          shutdown: () => node.shutdown(),
        } as const
      )[t]();
      return { success: outcome.result === 'success' };
    } catch {
      return { success: false }; // another transition is running
    }
  });
}

export const STATE_IDS: Record<LifecycleState, number> = { unconfigured: 1, inactive: 2, active: 3, finalized: 4 };

/** lifecycle_msgs/msg/Transition ids; shutdown has one per state it starts from. */
const TRANSITION_IDS: Record<LifecycleTransition, number> = {
  configure: 1,
  cleanup: 2,
  activate: 3,
  deactivate: 4,
  shutdown: 5,
};
const SHUTDOWN_IDS: Partial<Record<LifecycleState, number>> = { unconfigured: 5, inactive: 6, active: 7 };
const GOALS: Record<LifecycleTransition, LifecycleState> = {
  configure: 'inactive',
  cleanup: 'unconfigured',
  activate: 'active',
  deactivate: 'inactive',
  shutdown: 'finalized',
};

function stateMsg(s: LifecycleState): { id: number; label: string } {
  return { id: STATE_IDS[s], label: s };
}

function transitionId(t: LifecycleTransition, from: LifecycleState): number {
  return t === 'shutdown' ? (SHUTDOWN_IDS[from] ?? 5) : TRANSITION_IDS[t];
}

function transitionById(id: number): LifecycleTransition | undefined {
  if (id >= 5 && id <= 7) return 'shutdown';
  return (Object.keys(TRANSITION_IDS) as LifecycleTransition[]).find((t) => TRANSITION_IDS[t] === id);
}

function transitionByLabel(label: string): LifecycleTransition | undefined {
  const l = label.toLowerCase();
  return Object.hasOwn(TRANSITION_IDS, l) ? (l as LifecycleTransition) : undefined;
}
