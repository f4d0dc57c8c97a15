import { OutpostError } from '../../runtime/OutpostError.js';
import { Random } from '../Random.js';
import { CellCanvas } from './CellCanvas.js';
import { closeBorder, keepLargestFreeComponent } from './FreeSpace.js';
import { GridWorld } from './GridWorld.js';
import { generateCave } from './generators/CaveGenerator.js';
import { generateRooms } from './generators/RoomsGenerator.js';
import { generateWarehouse } from './generators/WarehouseGenerator.js';

export interface WorldGeneratorOptions {
  /** The world's seed: the same seed, size and resolution give the same cells. */
  seed: number;
  /** Unit: cells. At least 16. */
  width: number;
  /** Unit: cells. At least 16. */
  height: number;
  /** Cell edge. Unit: m. Generators size walls, doors and rooms in metres. Default 0.1. */
  resolution?: number;
  /** World coordinates of cell (0,0)'s lower-left corner. Unit: m. Default 0, 0. */
  originX?: number;
  originY?: number;
}

/** Draws a world onto a canvas that starts all free; generateWorld then closes border and pockets. */
export type WorldGenerator = (canvas: CellCanvas, rng: Random) => void;

/** World generators by name, as launch files and `generateWorld` name them. */
export const worldGenerators: Readonly<Record<string, WorldGenerator>> = {
  rooms: generateRooms,
  cave: generateCave,
  warehouse: generateWarehouse,
};

/**
 * Generates a ground-truth world: the named generator draws it from a Random seeded with `seed`,
 * then the outer ring of cells is made solid and every free pocket unreachable from the largest
 * free component is filled, so free space is one 4-connected component inside a closed border.
 */
export function generateWorld(kind: string, o: WorldGeneratorOptions): GridWorld {
  const generator = Object.hasOwn(worldGenerators, kind) ? worldGenerators[kind] : undefined;
  if (generator === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_WORLD_GENERATOR',
      `world generator ${JSON.stringify(kind)} is not known; expected one of ${Object.keys(worldGenerators).join(', ')}`,
    );
  }
  const resolution = o.resolution ?? 0.1;
  if (!Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width < 16 || o.height < 16) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `world generator ${kind}: expected integer width and height ≥ 16 cells, got ${o.width}×${o.height}`,
    );
  }
  if (!(resolution > 0) || !Number.isFinite(resolution)) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `world generator ${kind}: expected resolution > 0 m, got ${resolution}`,
    );
  }
  const canvas = new CellCanvas(o.width, o.height, resolution);
  generator(canvas, new Random(o.seed));
  closeBorder(canvas.cells, o.width, o.height);
  keepLargestFreeComponent(canvas.cells, o.width, o.height);
  return new GridWorld({
    width: o.width,
    height: o.height,
    resolution,
    cells: canvas.cells,
    originX: o.originX ?? 0,
    originY: o.originY ?? 0,
    name: `${kind} seed ${o.seed} ${o.width}x${o.height}@${resolution}m`,
  });
}
