import type { Logger } from 'pino';
import type { MessageOf } from '../../runtime/index.js';
import { TiledMap } from './TiledMap.js';

export interface OwnMapTilesOptions {
  /** This robot's name: the layer its own map becomes. */
  self: string;
  /** Read when the first map comes (all robots of a fleet must agree on it). */
  settings: { readonly tile_size: number };
  logger: Logger;
}

/**
 * Cuts this robot's OccupancyGrid into its layer of the tiled, versioned map that map sync
 * exchanges. The map is made from the first grid's geometry; a grid of another size later is
 * refused (logged), since every robot's tiles must line up.
 */
export class OwnMapTiles {
  readonly #o: OwnMapTilesOptions;
  #map: TiledMap | undefined;
  /** The own map as last cut into tiles: only tiles that differ from it are cut again. */
  #ownPrev: Int8Array | undefined;

  constructor(options: OwnMapTilesOptions) {
    this.#o = options;
  }

  /** The tiled map (own layer and teammates'), once the first own grid came. */
  get map(): TiledMap | undefined {
    return this.#map;
  }

  update(grid: MessageOf<'nav_msgs/msg/OccupancyGrid'>): void {
    const { width, height, resolution, origin } = grid.info;
    if (this.#map === undefined) {
      this.#map = new TiledMap({
        self: this.#o.self,
        width,
        height,
        resolution,
        originX: origin.position.x,
        originY: origin.position.y,
        tileSize: this.#o.settings.tile_size,
      });
    } else if (this.#map.grid.width !== width || this.#map.grid.height !== height) {
      this.#o.logger.error(
        { width, height },
        `own map changed size to ${width}×${height}; map sync keeps ${this.#map.grid.describe()}`,
      );
      return;
    }
    if (grid.data.length !== width * height) {
      this.#o.logger.error(`own map: ${grid.data.length} cells for ${width}×${height}; dropped`);
      return;
    }
    const g = this.#map.grid;
    // The mapper republishes its whole grid; cutting, validating and comparing all ~300 tiles of
    // a 640×480 map each time was the fleet link's main cost in the simulator. A tile whose cells
    // equal the last own map's is skipped (setOwnTile would find it unchanged anyway).
    const prev = this.#ownPrev;
    const differ = prev === undefined ? undefined : g.tilesThatDiffer(prev, grid.data);
    for (let id = 0; id < g.tileCount; id++) {
      if (differ !== undefined && differ[id] === 0) continue;
      const b = g.tileBounds(id);
      const cells = new Int8Array(b.w * b.h);
      for (let y = 0; y < b.h; y++) {
        const row = (b.y0 + y) * width + b.x0;
        if (grid.data instanceof Int8Array) cells.set(grid.data.subarray(row, row + b.w), y * b.w);
        else for (let x = 0; x < b.w; x++) cells[y * b.w + x] = grid.data[row + x]!;
      }
      this.#map.setOwnTile(id, cells);
    }
    (this.#ownPrev ??= new Int8Array(width * height)).set(grid.data);
  }
}
