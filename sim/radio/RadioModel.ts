import { OutpostError } from '../../runtime/OutpostError.js';
import type { GridWorld } from '../world/GridWorld.js';

/** A robot's position for the radio model. Unit: m, world frame. */
export interface RadioPoint {
  x: number;
  y: number;
}

/** What a radio model says about the link between two points at one instant (symmetric). */
export interface LinkQuality {
  up: boolean;
  /** Received power where the model computes one (line_of_sight); NaN otherwise. Unit: dBm. */
  rssiDbm: number;
  /** Budget of the link; 0 = unlimited. Unit: bytes/s. */
  bytesPerSecond: number;
  /** Packet loss 0..1. */
  loss: number;
}

/**
 * A radio model, keyed by name in launch files (`radio:=distance|line_of_sight`). Models are pure
 * functions of the ground-truth world and the two positions (plus the per-episode random draws
 * they made at construction from the run's seed), so the same seed gives the same links.
 */
export interface RadioModel {
  readonly name: string;
  link(world: GridWorld, a: RadioPoint, b: RadioPoint): LinkQuality;
}

/** Checks the link budget parameters every radio model has (bytes_per_second, loss). */
export function checkLinkBudget(model: string, bytesPerSecond: number, loss: number): void {
  if (!(bytesPerSecond >= 0))
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `radio "${model}": expected bytes_per_second ≥ 0, got ${bytesPerSecond}`,
    );
  if (!(loss >= 0 && loss <= 1))
    throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `radio "${model}": expected loss in [0, 1], got ${loss}`);
}
