import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context } from './Context.js';
import { defaultRegistry } from './msg/defaultRegistry.js';
import { Node } from './Node.js';
import { ParameterType } from './Parameter.js';
import { fromParameterValueMsg, toParameterValueMsg } from './ParameterServices.js';
import type { Service, ServiceCallback } from './Service.js';

const quiet = () => new Context({ logger: pino({ level: 'silent' }) });

describe("a node's parameter and lifecycle services", () => {
  it('get, set (checked against the spec), list and describe through rcl_interfaces services', async () => {
    const ctx = quiet();
    const node = new Node('ctl', 'r1', ctx);
    node.declareParameter('speed', {
      type: 'double',
      default: 0.5,
      range: { from: 0, to: 2 },
      description: 'Forward speed.',
    });
    node.declareParameter('mode', { type: 'string', default: 'a', choices: ['a', 'b'], description: 'Mode.' });
    node.declareParameter('ids', { type: 'integer_array', default: [1, 2], description: 'Ids.' });
    const tool = new Node('tool', '', ctx);
    const get = tool.createClient('rcl_interfaces/srv/GetParameters', '/r1/ctl/get_parameters');
    const set = tool.createClient('rcl_interfaces/srv/SetParameters', '/r1/ctl/set_parameters');
    const list = tool.createClient('rcl_interfaces/srv/ListParameters', '/r1/ctl/list_parameters');
    const describe_ = tool.createClient('rcl_interfaces/srv/DescribeParameters', '/r1/ctl/describe_parameters');

    const got = await get.sendRequestAsync({ names: ['speed', 'ids', 'nope'] });
    expect(got.values.map((v) => [v.type, fromParameterValueMsg(v)])).toEqual([
      [3, 0.5],
      [7, [1, 2]],
      [0, undefined],
    ]);
    const r = await set.sendRequestAsync({
      parameters: [
        { name: 'speed', value: toParameterValueMsg(ParameterType.PARAMETER_INTEGER, 1) }, // an integer is a fine double
        { name: 'speed', value: toParameterValueMsg(ParameterType.PARAMETER_DOUBLE, 9) },
        { name: 'mode', value: toParameterValueMsg(ParameterType.PARAMETER_STRING, 'c') },
        { name: 'ghost', value: toParameterValueMsg(ParameterType.PARAMETER_BOOL, true) },
      ],
    });
    expect(r.results).toEqual([
      { successful: true, reason: '' },
      { successful: false, reason: 'parameter "speed": expected a value in [0, 2], got 9' },
      { successful: false, reason: 'parameter "mode": expected one of "a", "b", got "c"' },
      { successful: false, reason: 'parameter "ghost" is not declared' },
    ]);
    expect(node.getParameter('speed').value).toBe(1);
    expect((await list.sendRequestAsync({ prefixes: [], depth: 0n })).result.names).toEqual([
      'use_sim_time',
      'speed',
      'mode',
      'ids',
    ]);
    const d = (await describe_.sendRequestAsync({ names: ['speed'] })).descriptors[0]!;
    expect(d).toMatchObject({
      name: 'speed',
      type: 3,
      description: 'Forward speed.',
      floating_point_range: [{ from_value: 0, to_value: 2, step: 0 }],
    });
  });

  it('every parameter type survives CDR as rcl_interfaces/msg/ParameterValue (what crosses the bus socket)', () => {
    const registry = defaultRegistry();
    const cases: Array<[ParameterType, unknown]> = [
      [ParameterType.PARAMETER_BOOL, true],
      [ParameterType.PARAMETER_INTEGER, -7],
      [ParameterType.PARAMETER_DOUBLE, 0.25],
      [ParameterType.PARAMETER_STRING, 'frontier'],
      [ParameterType.PARAMETER_BYTE_ARRAY, [0, 255]],
      [ParameterType.PARAMETER_BOOL_ARRAY, [true, false]],
      [ParameterType.PARAMETER_INTEGER_ARRAY, [3, -4]],
      [ParameterType.PARAMETER_DOUBLE_ARRAY, [1.5]],
      [ParameterType.PARAMETER_STRING_ARRAY, ['r1=mqtt://x']],
    ];
    const bytes = registry.encode('rcl_interfaces/srv/GetParameters_Response', {
      values: cases.map(([t, v]) => toParameterValueMsg(t, v as never)),
    });
    const back = registry.decode<{ values: Parameters<typeof fromParameterValueMsg>[0][] }>(
      'rcl_interfaces/srv/GetParameters_Response',
      bytes,
    );
    expect(back.values.map((v) => [v.type, fromParameterValueMsg(v)])).toEqual(cases);
  });

  it('get_state and change_state (by id or label) drive the lifecycle; an invalid transition answers success: false', async () => {
    const ctx = quiet();
    const node = new Node('cam', '', ctx);
    const tool = new Node('tool', '', ctx);
    const state = tool.createClient('lifecycle_msgs/srv/GetState', '/cam/get_state');
    const change = tool.createClient('lifecycle_msgs/srv/ChangeState', '/cam/change_state');
    expect((await state.sendRequestAsync({})).current_state).toEqual({ id: 1, label: 'unconfigured' });
    expect(await change.sendRequestAsync({ transition: { id: 3, label: '' } })).toEqual({ success: false }); // activate from unconfigured
    expect(await change.sendRequestAsync({ transition: { id: 1, label: '' } })).toEqual({ success: true });
    expect(await change.sendRequestAsync({ transition: { id: 0, label: 'activate' } })).toEqual({ success: true });
    expect(node.lifecycleState).toBe('active');
    const available = tool.createClient('lifecycle_msgs/srv/GetAvailableTransitions', '/cam/get_available_transitions');
    expect(
      (await available.sendRequestAsync({})).available_transitions.map((t) => [
        t.transition.label,
        t.transition.id,
        t.goal_state.label,
      ]),
    ).toEqual([
      ['deactivate', 4, 'inactive'],
      ['shutdown', 7, 'finalized'],
    ]);
  });

  it('are created even when a subclass guards createService/createPublisher with its own private state (as KindNode does)', async () => {
    class Guarded extends Node {
      readonly #allowed = new Set(['~/own']);
      override createService<T extends string>(
        typeName: T,
        serviceName: string,
        callback: ServiceCallback<T>,
      ): Service<T> {
        if (!this.#allowed.has(serviceName)) throw new Error(`undeclared ${serviceName}`);
        return super.createService(typeName, serviceName, callback);
      }
    }
    const ctx = quiet();
    const g = new Guarded('g', '', ctx);
    expect(() => g.createService('std_srvs/srv/Trigger', '~/other', () => ({ success: true, message: '' }))).toThrow(
      /undeclared/,
    );
    const state = new Node('tool', '', ctx).createClient('lifecycle_msgs/srv/GetState', '/g/get_state');
    expect((await state.sendRequestAsync({})).current_state.label).toBe('unconfigured');
  });
});
