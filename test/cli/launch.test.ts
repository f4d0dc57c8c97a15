import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OutpostProcess, freshRunDir, isAlive, runOutpost } from '../helpers/OutpostProcess.js';

const running: OutpostProcess[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

function launch(args: string[], env: NodeJS.ProcessEnv): OutpostProcess {
  const p = new OutpostProcess(['launch', ...args], env);
  running.push(p);
  return p;
}

const launched = (p: OutpostProcess) => p.logs().some((l) => String(l.msg).startsWith('launched'));

describe('outpost launch + outpost topic (two shells)', () => {
  it('runs the demo; a second shell lists, echoes, publishes and measures rate; Ctrl-C exits 0', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const p = launch(['launch/demo.launch.yaml', 'speed:=0.5'], env);
    await p.waitFor(launched, 15_000, 'the launch to start');

    const list = await runOutpost(['topic', 'list', '-t'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('/demo/cmd_vel [geometry_msgs/msg/Twist]');
    expect(list.stdout).toContain('/demo/odom [nav_msgs/msg/Odometry]');

    const echo = await runOutpost(['topic', 'echo', '/demo/odom', '--once'], env);
    expect(echo.code).toBe(0);
    const msg = parse(echo.stdout.split('---')[0]!) as {
      header: { frame_id: string };
      child_frame_id: string;
      twist: { twist: { linear: { x: number } } };
    };
    expect(msg.header.frame_id).toBe('odom');
    expect(msg.child_frame_id).toBe('base_link');
    expect(msg.twist.twist.linear.x).toBe(0.5);

    const hz = await runOutpost(['topic', 'hz', '/demo/odom', '--duration', '2.2'], env);
    expect(hz.code).toBe(0);
    const rates = [...hz.stdout.matchAll(/average rate: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.at(-1)!).toBeGreaterThan(15); // odometry publishes at 20 Hz
    expect(rates.at(-1)!).toBeLessThan(25);

    const pub = await runOutpost(
      ['topic', 'pub', '/demo/echo_test', 'std_msgs/msg/String', '{data: hello}', '--times', '2', '--rate', '20'],
      env,
    );
    expect(pub.code).toBe(0);
    expect(pub.stdout).toContain('publishing #2: {"data":"hello"}');

    const bad = await runOutpost(['topic', 'pub', '/demo/x', 'std_msgs/msg/String', '{dta: 1}', '--once'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown field "dta"; expected one of data');

    p.child.kill('SIGINT');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(p.logs().some((l) => l.msg === 'all nodes stopped')).toBe(true);
    const after = await runOutpost(['topic', 'list'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no running launch found');
  }, 40_000);

  it('a process: true node joins the launch bus and is ended on Ctrl-C', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const p = launch(['launch/demo.launch.yaml', 'separate_process:=true', 'robot:=r7'], env);
    await p.waitFor(
      (x) => x.logs().some((l) => String(l.msg).startsWith('started process')),
      15_000,
      'the child to start',
    );
    const pid = Number(p.logs().find((l) => String(l.msg).startsWith('started process'))!.pid);
    expect(isAlive(pid)).toBe(true);
    // Odometry (20 Hz, own process) integrates cmd_vel (10 Hz, launcher process): within ten
    // messages it reports the commanded speed, which crossed the bus socket.
    const echo = await runOutpost(['topic', 'echo', '/r7/odom', '-n', '10', '--json'], env);
    expect(echo.code).toBe(0);
    const speeds = echo.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { twist: { twist: { linear: { x: number } } } }).twist.twist.linear.x);
    expect(speeds.length).toBe(10);
    expect(speeds).toContain(0.2);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    expect(isAlive(pid)).toBe(false);
  }, 40_000);

  it('restarts a crashed process node after respawn_delay, at most respawn_max_retries times, logging each', async () => {
    const env = { OUTPOST_RUN_DIR: freshRunDir() };
    const p = launch(['test/fixtures/respawn.launch.yaml'], env);
    const starts = () => p.logs().filter((l) => String(l.msg).startsWith('started process'));
    for (let crash = 1; crash <= 3; crash++) {
      await p.waitFor(() => starts().length >= crash, 15_000, `start #${crash}`);
      const pid = Number(starts()[crash - 1]!.pid);
      await new Promise((r) => setTimeout(r, 300)); // let it come up
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      if (crash <= 2) {
        await p.waitFor(() => starts().length >= crash + 1, 15_000, `restart #${crash}`);
        // respawn_delay is 0.5 s: the new process must not start before it.
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(450);
      }
    }
    await p.waitFor((x) => x.logs().some((l) => String(l.msg).includes('not respawning')), 15_000, 'give-up log');
    const respawnLogs = p.logs().filter((l) => String(l.msg).startsWith('respawning in 0.5 s'));
    expect(respawnLogs.map((l) => l.restart)).toEqual([1, 2]);
    expect(starts().length).toBe(3);
    expect(p.logs().filter((l) => String(l.msg).includes('killed by SIGKILL')).length).toBe(3);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
  }, 60_000);
});
