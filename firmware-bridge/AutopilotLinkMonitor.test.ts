import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime/clock/ManualClock.js';
import { secondsToNs } from '../runtime/Time.js';
import { AutopilotLinkMonitor, type LinkName } from './AutopilotLinkMonitor.js';
import { MAV_MODE_FLAG, PX4_MAIN_MODE } from './mavlink/MavlinkEnums.js';

const offboard = PX4_MAIN_MODE.OFFBOARD << 16;

describe('AutopilotLinkMonitor', () => {
  it('goes down → waiting → connected → lost → connected → down, reporting each change once', () => {
    const clock = new ManualClock();
    let open = false;
    const seen: LinkName[] = [];
    const monitor: AutopilotLinkMonitor = new AutopilotLinkMonitor(
      { params: { link_timeout: 4.5 }, now: () => clock.now(), getLogger: () => pino({ level: 'silent' }) },
      () => open,
      () => seen.push(monitor.linkState),
    );
    monitor.update();
    expect(monitor.linkState).toBe('down');
    expect(monitor.secondsSinceHeartbeat()).toBe(-1);
    open = true;
    monitor.update();
    const heartbeat = { base_mode: MAV_MODE_FLAG.SAFETY_ARMED, custom_mode: offboard, system_status: 4 };
    monitor.onHeartbeat(heartbeat);
    expect(monitor.heartbeat).toEqual({ armed: true, customMode: offboard, baseMode: 128, systemStatus: 4 });
    expect(monitor.mode).toBe('OFFBOARD');
    clock.advance(secondsToNs(4.5));
    monitor.update();
    expect(monitor.linkState).toBe('connected'); // not later than link_timeout yet
    clock.advance(secondsToNs(0.1));
    monitor.update();
    expect(monitor.secondsSinceHeartbeat()).toBeCloseTo(4.6, 9);
    monitor.onHeartbeat({ ...heartbeat, base_mode: 0 });
    expect(monitor.heartbeat.armed).toBe(false);
    open = false;
    monitor.update();
    monitor.update();
    expect(seen).toEqual(['waiting', 'connected', 'lost', 'connected', 'down']);
  });

  it('calls heartbeat listeners after the state took the heartbeat in, until removed', () => {
    const clock = new ManualClock();
    const monitor = new AutopilotLinkMonitor(
      { params: { link_timeout: 1 }, now: () => clock.now(), getLogger: () => pino({ level: 'silent' }) },
      () => true,
      () => {},
    );
    const modes: string[] = [];
    const listener = () => modes.push(`${monitor.mode} ${monitor.linkState}`);
    monitor.addHeartbeatListener(listener);
    monitor.onHeartbeat({ base_mode: 0, custom_mode: offboard, system_status: 4 });
    monitor.removeHeartbeatListener(listener);
    monitor.onHeartbeat({ base_mode: 0, custom_mode: 0, system_status: 4 });
    expect(modes).toEqual(['OFFBOARD connected']);
  });
});
