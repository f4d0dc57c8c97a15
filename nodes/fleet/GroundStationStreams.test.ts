import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { STREAM_PRIORITY, checkStreamSpecs, parseStreamRequest, streamRoutes } from './GroundStationStreams.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('parseStreamRequest', () => {
  it('reads a topic and a lease, 0 cancelling', () => {
    expect(parseStreamRequest(bytes('{"topic":"/r1/scan","duration_s":30}'))).toEqual({
      topic: '/r1/scan',
      durationS: 30,
    });
    expect(parseStreamRequest(bytes('{"topic":"/r1/map","duration_s":0}')).durationS).toBe(0);
  });

  it.each([
    ['not json', /expected JSON/],
    ['[1,2]', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['{"duration_s":3}', /"topic" an absolute topic name/],
    ['{"topic":"scan","duration_s":3}', /"topic" an absolute topic name/],
    ['{"topic":"/r1/scan"}', /"duration_s" a number of seconds in \[0, 3600\]/],
    ['{"topic":"/r1/scan","duration_s":-1}', /"duration_s"/],
    ['{"topic":"/r1/scan","duration_s":1e9}', /"duration_s"/],
    ['{"topic":"/r1/scan","duration_s":"30"}', /"duration_s"/],
  ])('refuses %s with OUTPOST_ERR_FLEET_STREAM_REQUEST', (payload, message) => {
    let err: unknown;
    try {
      parseStreamRequest(bytes(payload));
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_FLEET_STREAM_REQUEST')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});

describe('ground_station_streams entries', () => {
  it('are "TOPIC TYPE", made latest-only routes below telemetry and tiles', () => {
    expect(checkStreamSpecs(['scan sensor_msgs/msg/LaserScan', 'map nav_msgs/msg/OccupancyGrid'])).toBeUndefined();
    expect(checkStreamSpecs(['scan'])).toMatch(/expected "TOPIC TYPE"/);
    expect(checkStreamSpecs(['scan sensor_msgs/msg/LaserScan priority=200'])).toMatch(/expected "TOPIC TYPE"/);
    const [r] = streamRoutes(['scan sensor_msgs/msg/LaserScan']);
    expect([r!.route, r!.reliability, r!.priority]).toEqual(['scan', 'latest-only', STREAM_PRIORITY]);
    expect(STREAM_PRIORITY).toBeLessThan(20);
  });
});
