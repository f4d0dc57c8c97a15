import { describe, expect, it } from 'vitest';
import { isOutpostError, type OutpostErrorCode } from '../runtime/OutpostError.js';
import { loadLaunchFile, type LaunchPlan } from './LaunchPlan.js';
import { testRegistry } from './test-fixtures/TestNodeKinds.js';

const FIX = 'launch/test-fixtures';
const load = (file: string, args: Record<string, string> = {}): LaunchPlan =>
  loadLaunchFile(`${FIX}/${file}`, { registry: testRegistry(), arguments: args, env: {} });
const byName = (plan: LaunchPlan) => Object.fromEntries(plan.nodes.map((n) => [n.name, n]));

/** Loads a malformed fixture and returns the OutpostError it must throw. */
function failure(file: string, args: Record<string, string> = {}) {
  try {
    load(file, args);
  } catch (err) {
    if (!isOutpostError(err)) throw err;
    return err;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('LaunchLoader: malformed launch files', () => {
  // [fixture, code, "file:line:col" it names, what the message must say]
  const cases: Array<[string, OutpostErrorCode, string, RegExp]> = [
    [
      'bad/syntax.launch.yaml',
      'OUTPOST_ERR_LAUNCH_FILE',
      'bad/syntax.launch.yaml:5:1',
      /YAML syntax error: Flow sequence/,
    ],
    [
      'bad/no-launch.launch.yaml',
      'OUTPOST_ERR_LAUNCH_FILE',
      'bad/no-launch.launch.yaml:1:1',
      /expected a map with one key "launch".*got key "nodes"/,
    ],
    [
      'bad/launch-not-list.launch.yaml',
      'OUTPOST_ERR_LAUNCH_FILE',
      'bad/launch-not-list.launch.yaml:2:3',
      /"launch": expected a list of actions, got a map/,
    ],
    [
      'bad/unknown-action.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/unknown-action.launch.yaml:3:5',
      /unknown action "nod"; expected one of arg, let, include, group, push_ros_namespace, set_parameter, set_remap, node/,
    ],
    [
      'bad/bad-indent.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/bad-indent.launch.yaml:2:5',
      /one action per list item, got keys node, exec/,
    ],
    [
      'bad/unknown-field.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/unknown-field.launch.yaml:5:7',
      /node: unknown field "parm"; expected one of .*pkg, exec, name, namespace/,
    ],
    [
      'bad/missing-exec.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/missing-exec.launch.yaml:2:5',
      /node: missing required field "exec"/,
    ],
    [
      'bad/wrong-type.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/wrong-type.launch.yaml:4:14',
      /field "remap" expected a list of \{from, to\}, got "scan"/,
    ],
    [
      'bad/wrong-bool.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/wrong-bool.launch.yaml:4:16',
      /field "respawn" expected true or false, got "maybe"/,
    ],
    [
      'bad/unknown-pkg.launch.yaml',
      'OUTPOST_ERR_UNKNOWN_NODE_KIND',
      'bad/unknown-pkg.launch.yaml:3:12',
      /pkg "turtlesim" is not supported; Outpost runs only pkg "outpost"/,
    ],
    [
      'bad/unknown-kind.launch.yaml',
      'OUTPOST_ERR_UNKNOWN_NODE_KIND',
      'bad/unknown-kind.launch.yaml:3:13',
      /exec "moover" is not a registered node kind; expected one of mover, sensor/,
    ],
    [
      'bad/unknown-param.launch.yaml',
      'OUTPOST_ERR_UNKNOWN_PARAMETER',
      'bad/unknown-param.launch.yaml:6:18',
      /unknown parameter "sped"; expected one of use_sim_time, speed, rate/,
    ],
    [
      'bad/param-type.launch.yaml',
      'OUTPOST_ERR_PARAMETER_TYPE',
      'bad/param-type.launch.yaml:6:32',
      /parameter "speed": expected a number \(double\), got "fast"/,
    ],
    [
      'bad/param-range.launch.yaml',
      'OUTPOST_ERR_PARAMETER_RANGE',
      'bad/param-range.launch.yaml:5:32',
      /parameter "speed": expected a value in \[0, 3\], got 10/,
    ],
    [
      'bad/required-param.launch.yaml',
      'OUTPOST_ERR_PARAMETER_TYPE',
      'bad/required-param.launch.yaml:2:5',
      /parameter "range_max" has no default and is not set; expected a double/,
    ],
    [
      'bad/bad-subst.launch.yaml',
      'OUTPOST_ERR_LAUNCH_SUBSTITUTION',
      'bad/bad-subst.launch.yaml:4:13',
      /unknown substitution "foo"; expected one of var, env/,
    ],
    [
      'bad/undefined-var.launch.yaml',
      'OUTPOST_ERR_LAUNCH_SUBSTITUTION',
      'bad/undefined-var.launch.yaml:5:18',
      /\$\(var robt\).*not defined.*\(defined: robot\)/,
    ],
    [
      'bad/eval-syntax.launch.yaml',
      'OUTPOST_ERR_LAUNCH_SUBSTITUTION',
      'bad/eval-syntax.launch.yaml:5:11',
      /\$\(eval "2 > "\): expected a value at column 5, got end of expression/,
    ],
    [
      'bad/required-arg.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ARGUMENT',
      'bad/required-arg.launch.yaml:2:5',
      /arg "robot": required argument not given.*robot:=<value> on the command line \(Which robot to drive\.\)/,
    ],
    [
      'bad/cycle-a.launch.yaml',
      'OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE',
      'bad/cycle-b.launch.yaml:2:21',
      /cycle: \S*cycle-a\.launch\.yaml → \S*cycle-b\.launch\.yaml → \S*cycle-a\.launch\.yaml/,
    ],
    [
      'bad/missing-include.launch.yaml',
      'OUTPOST_ERR_LAUNCH_FILE',
      'bad/missing-include.launch.yaml:3:13',
      /include: file \S*does-not-exist\.launch\.yaml does not exist/,
    ],
    [
      'bad/missing-param-file.launch.yaml',
      'OUTPOST_ERR_LAUNCH_FILE',
      'bad/missing-param-file.launch.yaml:5:17',
      /parameter file \S*nowhere\.params\.yaml does not exist/,
    ],
    [
      'bad/bad-param-file.launch.yaml',
      'OUTPOST_ERR_PARAMETER_FILE',
      'params/flat.params.yaml:1:8',
      /"speed": expected a node name with \{ros__parameters: \{\.\.\.\}\}/,
    ],
    [
      'bad/param-file-unknown.launch.yaml',
      'OUTPOST_ERR_UNKNOWN_PARAMETER',
      'params/typo.params.yaml:3:11',
      /unknown parameter "sped".*entry "\/mover", used by \S*param-file-unknown\.launch\.yaml:5:11/,
    ],
    [
      'bad/duplicate-node.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/duplicate-node.launch.yaml:6:11',
      /second node named \/r1\/mover \(the first is at \S*duplicate-node\.launch\.yaml:2:5\)/,
    ],
    [
      'bad/bad-condition.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/bad-condition.launch.yaml:2:29',
      /if: expected true, false, 1 or 0, got "yes"/,
    ],
    [
      'bad/node-args.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ACTION',
      'bad/node-args.launch.yaml:4:13',
      /args "--speed 2" is not supported; Outpost nodes take no command-line arguments: set parameters with param/,
    ],
    [
      'bad/include-undeclared-arg.launch.yaml',
      'OUTPOST_ERR_LAUNCH_ARGUMENT',
      'bad/include-undeclared-arg.launch.yaml:6:11',
      /argument "robto" is not declared there; expected one of speed, name/,
    ],
    [
      'bad/set-parameter-unknown.launch.yaml',
      'OUTPOST_ERR_UNKNOWN_PARAMETER',
      'bad/set-parameter-unknown.launch.yaml:2:27',
      /no registered node kind declares parameter "sped"/,
    ],
    ['bad/bad-namespace.launch.yaml', 'OUTPOST_ERR_INVALID_NAME', 'bad/bad-namespace.launch.yaml:2:37', /token "1bad"/],
  ];

  it.each(cases)('%s → %s', (file, code, where, what) => {
    const err = failure(file);
    expect(err.code).toBe(code);
    expect(err.message.startsWith(`${FIX}/${where}: `)).toBe(true);
    expect(err.message).toMatch(what);
    const [path, line, column] = where.split(':');
    expect(err.location?.file.endsWith(`${FIX}/${path}`)).toBe(true);
    expect([err.location?.line, err.location?.column]).toEqual([Number(line), Number(column)]);
  });

  it("rejects a value not among an argument's choices", () => {
    const err = failure('bad/choice.launch.yaml', { mode: 'hil' });
    expect(err.code).toBe('OUTPOST_ERR_LAUNCH_ARGUMENT');
    expect(err.message).toBe(`${FIX}/bad/choice.launch.yaml:2:5: arg "mode": expected one of "sim", "real", got "hil"`);
    expect(load('bad/choice.launch.yaml', { mode: 'real' }).arguments).toEqual({ mode: 'real' });
  });

  it('rejects a command-line argument that no arg declares, listing the declared ones', () => {
    const err = failure('basic.launch.yaml', { robto: 'r2' });
    expect(err.code).toBe('OUTPOST_ERR_LAUNCH_ARGUMENT');
    expect(err.message).toMatch(
      /basic\.launch\.yaml:1:1: argument "robto" \(given as robto:=r2\) is not declared.*expected one of robot, speed, mode/,
    );
  });

  it('says through which include a failing file was reached', () => {
    const err = failure('bad/include-isolation.launch.yaml');
    expect(err.code).toBe('OUTPOST_ERR_LAUNCH_ARGUMENT');
    expect(err.location?.file.endsWith('child.launch.yaml')).toBe(true);
    expect(err.message).toMatch(/child\.launch\.yaml:2:5: arg "speed": required argument not given/);
    expect(err.message).toMatch(/\(included from \S*include-isolation\.launch\.yaml:3:5\)$/);
  });

  it('checks the shape of actions an if: skips', () => {
    // The typo sits in a branch that never runs; it is still reported.
    const err = failure('bad/skipped-typo.launch.yaml');
    expect(err.code).toBe('OUTPOST_ERR_LAUNCH_ACTION');
    expect(err.message).toMatch(/skipped-typo\.launch\.yaml:5:31: node: unknown field "namme"/);
  });
});

describe('LaunchLoader: actions', () => {
  it('composes namespaces through nested groups; relative node namespaces join, absolute ones replace', () => {
    const ns = Object.fromEntries(load('namespaces.launch.yaml').nodes.map((n) => [n.name, n.namespace]));
    expect(ns).toEqual({
      root_mover: '/',
      a: '/fleet',
      b: '/fleet/r1',
      c: '/fleet/r1/arm',
      d: '/abs',
      e: '/fleet',
      f: '/other',
      g: '/',
      h: '/leaked', // scoped: false lets the push out of the group
    });
  });

  it("passes include args, keeps the included file's defaults, and applies the pushed namespace", () => {
    const plan = load('parent.launch.yaml', { robot: 'r3' });
    expect(plan.nodes.map((n) => [n.namespace, n.name, n.parameters])).toEqual([
      ['/r3', 'child_mover', { speed: 1.5 }],
      ['/', 'solo', { speed: 0.25 }],
    ]);
    expect(plan.arguments).toEqual({ robot: 'r3' }); // the include's own args are not the plan's
    expect(plan.files.map((f) => f.split('/').pop())).toEqual(['parent.launch.yaml', 'child.launch.yaml']);
  });

  it('evaluates if/unless, with eval and with 1/0', () => {
    expect(load('conditions.launch.yaml').nodes.map((n) => n.name)).toEqual(['big', 'sim_only', 'numeric', 'text_cmp']);
    expect(load('conditions.launch.yaml', { count: '1', sim: 'False' }).nodes.map((n) => n.name)).toEqual([
      'small',
      'real_only',
      'numeric',
    ]);
  });

  it('scopes set_parameter and set_remap to the rest of their group', () => {
    const n = byName(load('scoping.launch.yaml'));
    expect(n.inside!.parameters).toEqual({ use_sim_time: true, speed: 1 });
    expect(n.inside!.remappings).toEqual([
      { from: '/tf', to: '/global_tf' },
      { from: 'scan', to: '/front/scan' },
      { from: 'map', to: '/shared_map' },
    ]);
    // A kind that does not declare `speed` ignores it; its own param still applies.
    expect(n.inside_sensor!.parameters).toEqual({ use_sim_time: true, range_max: 5 });
    expect(n.own_speed!.parameters.speed).toBe(2); // the node's param wins over set_parameter
    expect(n.outside!.parameters).toEqual({ use_sim_time: true });
    expect(n.outside!.remappings).toEqual([{ from: '/tf', to: '/global_tf' }]);
  });

  it('matches parameter-file entries by name, fully qualified name, /** and /**/name, later entries winning', () => {
    const plan = load('params.launch.yaml');
    const [r1, r2, sensor] = plan.nodes;
    expect(r1!.parameters).toEqual({
      use_sim_time: true,
      speed: 1.25,
      rate: 50,
      'planner.step': 0.2,
      mode: 'return',
      enabled: false,
    });
    expect(r2!.parameters).toEqual({ use_sim_time: true, mode: 'return', waypoints: [0.5, 1.5] });
    expect(sensor!.parameters).toEqual({ use_sim_time: true, frame_id: 'shared_frame', range_max: 8 });
    expect(plan.files.filter((f) => f.endsWith('robot.params.yaml'))).toHaveLength(1);
  });
});
