import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OutpostProcess, freshRunDir, runOutpost as runOutpostWithin } from '../helpers/OutpostProcess.js';

/**
 * `outpost service | param | node | lifecycle` and `/rosout`, each run as a second shell would:
 * a child process against a real running launch, found through its bus socket.
 */
const running: OutpostProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

function start(args: string[], env: NodeJS.ProcessEnv): OutpostProcess {
  const p = new OutpostProcess(args, env);
  running.push(p);
  return p;
}

/** Each call is a fresh node process: on a loaded 2-core machine one can take many seconds. */
const runOutpost = (args: string[], env: NodeJS.ProcessEnv) => runOutpostWithin(args, env, 60_000);

const launched = (p: OutpostProcess) => p.logs().some((l) => String(l.msg).startsWith('launched'));

describe('ROS 2 command-line parity against a running launch', () => {
  it('node list/info, param list/get/set/dump/describe, lifecycle get/set/list, service list/type/call', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const p = start(['launch', 'launch/demo.launch.yaml'], env);
    await p.waitFor(launched, 30_000, 'the launch to start');

    const nodes = await runOutpost(['node', 'list'], env);
    expect(nodes.code).toBe(0);
    expect(nodes.stdout.split('\n')).toEqual(expect.arrayContaining(['/demo/odometry', '/demo/teleop']));
    const info = await runOutpost(['node', 'info', '/demo/teleop'], env);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/Publishers:\n(?: {4}.*\n)*? {4}\/demo\/cmd_vel: geometry_msgs\/msg\/Twist/);
    expect(info.stdout).toContain('    /demo/teleop/set_parameters: rcl_interfaces/srv/SetParameters');
    const odomInfo = await runOutpost(['node', 'info', 'odometry'], env);
    expect(odomInfo.stdout).toMatch(/Subscribers:\n {4}\/demo\/cmd_vel: geometry_msgs\/msg\/Twist/);
    const unknown = await runOutpost(['node', 'info', '/demo/nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'no node "/demo/nobody" in the running launch; nodes: /demo/odometry, /demo/teleop',
    );
    expect(unknown.stderr).toContain('[OUTPOST_ERR_UNKNOWN_NODE]');

    const list = await runOutpost(['param', 'list', '/demo/teleop'], env);
    expect(list.stdout).toBe('/demo/teleop:\n  angular_z\n  linear_x\n  rate_hz\n  use_sim_time\n');
    expect((await runOutpost(['param', 'get', '/demo/teleop', 'linear_x'], env)).stdout).toBe('Double value is: 0.2\n');
    const set = await runOutpost(['param', 'set', '/demo/teleop', 'linear_x', '0.5'], env);
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('Set parameter successful\n');
    // The new value reaches the node's behaviour: its next cmd_vel carries it.
    const twist = await runOutpost(['topic', 'echo', '/demo/cmd_vel', '--once'], env);
    expect((parse(twist.stdout.split('---')[0]!) as { linear: { x: number } }).linear.x).toBe(0.5);

    const range = await runOutpost(['param', 'set', '/demo/teleop', 'rate_hz', '5000'], env);
    expect(range.code).toBe(2);
    expect(range.stdout).toBe('');
    expect(range.stderr).toContain(
      'Setting parameter failed: parameter "rate_hz": expected a value in [0.1, 1000], got 5000',
    );
    expect(range.stderr).toContain('[OUTPOST_ERR_PARAMETER_RANGE]');
    const type = await runOutpost(['param', 'set', '/demo/teleop', 'linear_x', 'fast'], env);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain(
      'expected a number (double), got "fast" (node /demo/teleop) [OUTPOST_ERR_PARAMETER_TYPE]',
    );
    const missing = await runOutpost(['param', 'get', '/demo/teleop', 'nope'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'node /demo/teleop has no parameter "nope"; it has: use_sim_time, linear_x, angular_z, rate_hz',
    );

    const dump = await runOutpost(['param', 'dump', '/demo/teleop'], env);
    expect(dump.code).toBe(0);
    expect(parse(dump.stdout)).toEqual({
      '/demo/teleop': { ros__parameters: { angular_z: 0.1, linear_x: 0.5, rate_hz: 10, use_sim_time: false } },
    });
    const describe_ = await runOutpost(['param', 'describe', '/demo/teleop', 'rate_hz'], env);
    expect(describe_.stdout).toContain(
      '  Type: double\n  Description: Publishing rate.\n  Constraints:\n    Min value: 0.1\n    Max value: 1000',
    );

    expect((await runOutpost(['lifecycle', 'get', '/demo/teleop'], env)).stdout).toBe('active [3]\n');
    expect((await runOutpost(['lifecycle', 'list', '/demo/teleop'], env)).stdout).toBe(
      '- deactivate [4]\n- shutdown [7]\n',
    );
    const again = await runOutpost(['lifecycle', 'set', '/demo/teleop', 'activate'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      'node /demo/teleop: cannot activate from state active; expected one of deactivate, shutdown [OUTPOST_ERR_LIFECYCLE_TRANSITION]',
    );
    const badT = await runOutpost(['lifecycle', 'set', '/demo/teleop', 'explode'], env);
    expect(badT.code).toBe(2);
    expect(badT.stderr).toContain(
      'TRANSITION: expected one of configure, activate, deactivate, cleanup, shutdown, got "explode"',
    );
    const off = await runOutpost(['lifecycle', 'set', '/demo/teleop', 'deactivate'], env);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('Transitioning successful\n');
    expect((await runOutpost(['lifecycle', 'get', 'teleop'], env)).stdout).toBe('inactive [2]\n');

    const services = await runOutpost(['service', 'list', '-t'], env);
    expect(services.stdout).toContain('/demo/teleop/get_state [lifecycle_msgs/srv/GetState]');
    expect((await runOutpost(['service', 'type', '/demo/odometry/set_parameters'], env)).stdout).toBe(
      'rcl_interfaces/srv/SetParameters\n',
    );
    const call = await runOutpost(
      ['service', 'call', '/demo/teleop/change_state', 'lifecycle_msgs/srv/ChangeState', '{transition: {id: 3}}'],
      env,
    );
    expect(call.code).toBe(0);
    expect(parse(call.stdout.split('response:\n')[1]!)).toEqual({ success: true });
    expect((await runOutpost(['lifecycle', 'get', '/demo/teleop'], env)).stdout).toBe('active [3]\n');
    const wrongType = await runOutpost(['service', 'call', '/demo/teleop/get_state', 'std_srvs/srv/Trigger'], env);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain(
      'service /demo/teleop/get_state has type lifecycle_msgs/srv/GetState, not std_srvs/srv/Trigger',
    );
    const badValues = await runOutpost(
      ['service', 'call', '/demo/teleop/change_state', 'lifecycle_msgs/srv/ChangeState', '{transiton: {}}'],
      env,
    );
    expect(badValues.code).toBe(2);
    expect(badValues.stderr).toContain('unknown field "transiton"');
    const absent = await runOutpost(['service', 'call', '/demo/none', 'std_srvs/srv/Trigger', '--timeout', '0.3'], env);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('no service /demo/none appeared within 0.3 s');

    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
  }, 600_000);

  it("nodes' log records reach /rosout: INFO on configure, then a WARN", async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const p = start(['launch', 'test/fixtures/rosout.launch.yaml'], env);
    await p.waitFor(launched, 30_000, 'the launch to start');
    // Transient local, as in ROS 2: a tool that connects later still gets the records.
    const first = await runOutpost(['topic', 'echo', '/rosout', '--once', '--durability', 'transient_local'], env);
    expect(first.code).toBe(0);
    const info = parse(first.stdout.split('---')[0]!) as {
      level: number;
      name: string;
      msg: string;
      stamp: { sec: number };
    };
    expect(info).toMatchObject({ level: 20, name: 'talky.mapper', msg: 'grid 20×10 @ 0.1 m, origin (0, 0)' });
    expect(info.stamp.sec).toBeGreaterThan(1_700_000_000); // the node's (wall) clock

    // A scan before any pose: the mapper warns (once) and the warning is on /rosout.
    const echo = start(['topic', 'echo', '/rosout', '-n', '2', '--json', '--durability', 'transient_local'], env);
    const pub = await runOutpost(
      ['topic', 'pub', '/talky/scan', 'sensor_msgs/msg/LaserScan', '{ranges: [1.0]}', '--once'],
      env,
    );
    expect(pub.code).toBe(0);
    expect((await echo.exited).code).toBe(0);
    const records = echo.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; name: string; msg: string });
    expect(records[1]).toMatchObject({ level: 30, name: 'talky.mapper', msg: 'scan dropped: no pose on odom yet' });
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
  }, 180_000);

  it('arms the simulated autopilot by hand: outpost service call /r1/mavlink_bridge/arm std_srvs/srv/SetBool "{data: true}"', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    // mavlink_bridge ↔ socat pty ↔ simulated PX4-like autopilot, at half real time and with a
    // coverage goal it cannot reach, so the mission outlasts the calls; the test stops it.
    const sim = start(
      [
        'sim',
        'launch/sim/explore.launch.yaml',
        'robots:=1',
        'firmware:=mavlink',
        'speed:=0.5',
        'until_coverage:=1',
        '--until',
        'time=600',
      ],
      env,
    );
    await sim.waitFor(() => sim.stdout.includes('coverage'), 60_000, 'the simulation to run');
    const bridge = await runOutpost(['node', 'info', '/r1/mavlink_bridge'], env);
    expect(bridge.stdout).toContain('    /r1/mavlink_bridge/arm: std_srvs/srv/SetBool');
    // Each answer is the autopilot's COMMAND_ACK (ACCEPTED) to COMPONENT_ARM_DISARM, back over the pty.
    const disarm = await runOutpost(
      ['service', 'call', '/r1/mavlink_bridge/arm', 'std_srvs/srv/SetBool', '{data: false}'],
      env,
    );
    expect(disarm.code).toBe(0);
    expect(parse(disarm.stdout.split('response:\n')[1]!)).toEqual({ success: true, message: 'disarmed' });
    const arm = await runOutpost(
      ['service', 'call', '/r1/mavlink_bridge/arm', 'std_srvs/srv/SetBool', '{data: true}'],
      env,
    );
    expect(arm.code).toBe(0);
    expect(arm.stdout).toContain('requester: making request: std_srvs/srv/SetBool {"data":true}');
    expect(parse(arm.stdout.split('response:\n')[1]!)).toEqual({ success: true, message: 'armed' });
    // ~/status follows the autopilot's HEARTBEAT (1 Hz), which shows the new arming state a beat after its ACK.
    const latestStatus = async () => {
      const status = await runOutpost(
        ['topic', 'echo', '/r1/mavlink_bridge/status', '--once', '--durability', 'transient_local'],
        env,
      );
      return parse(status.stdout.split('---')[0]!) as { armed: boolean; link_state: string };
    };
    await expect
      .poll(latestStatus, { timeout: 15_000, interval: 200, message: 'the heartbeat to show armed' })
      .toMatchObject({ armed: true, link_state: 'connected' });
    sim.child.kill('SIGINT');
    await sim.exited;
  }, 180_000);
});
