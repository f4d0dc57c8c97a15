import { secondsToNs, type Publisher, type Time } from '../../runtime/index.js';
import type { TiledMap } from './TiledMap.js';

/**
 * Publishes the merged map (every robot's layer, relayed ones too) on `fleet/map`, latched, when
 * it changed and at most `map_publish_hz` times a second of node time: planners replan on every
 * map, so a map per tile batch would keep them busy for nothing.
 */
export class MergedMapPublisher {
  readonly #pub: Publisher<'nav_msgs/msg/OccupancyGrid'>;
  readonly #settings: { readonly map_publish_hz: number; readonly map_frame: string };
  readonly #now: () => Time;
  #seqPublished = -1;
  #lastPublishNs = 0n;

  constructor(
    pub: Publisher<'nav_msgs/msg/OccupancyGrid'>,
    settings: { readonly map_publish_hz: number; readonly map_frame: string },
    now: () => Time,
  ) {
    this.#pub = pub;
    this.#settings = settings;
    this.#now = now;
  }

  publish(map: TiledMap | undefined): void {
    const minGap = secondsToNs(1 / this.#settings.map_publish_hz);
    if (
      map !== undefined &&
      map.changeSeq !== this.#seqPublished &&
      this.#now().nanoseconds - this.#lastPublishNs >= minGap
    ) {
      this.#seqPublished = map.changeSeq;
      this.#lastPublishNs = this.#now().nanoseconds;
      this.#pub.publish(map.toOccupancyGrid({ stamp: this.#now().toMsg(), frame_id: this.#settings.map_frame }));
    }
  }
}
