import { OutpostError } from '../../runtime/OutpostError.js';
import type { Random } from '../Random.js';
import { DistanceRadio, distanceRadioDefaults } from './DistanceRadio.js';
import { LineOfSightRadio, lineOfSightRadioDefaults } from './LineOfSightRadio.js';
import type { RadioModel } from './RadioModel.js';

/** Numeric parameters by their launch-file names (e.g. `range_m`, `tx_dbm`). */
export type RadioParams = Readonly<Record<string, number>>;

interface RadioModelEntry {
  /** Every parameter the model takes, with its default. */
  defaults: Readonly<Record<string, number>>;
  create(params: Record<string, number>, rng: Random): RadioModel;
}

/** Radio models by name, as launch files name them (`radio:=distance|line_of_sight`). */
export const radioModels: Readonly<Record<string, RadioModelEntry>> = {
  distance: {
    defaults: distanceRadioDefaults as unknown as Record<string, number>,
    create: (p, rng) => new DistanceRadio(p, rng),
  },
  line_of_sight: {
    defaults: lineOfSightRadioDefaults as unknown as Record<string, number>,
    create: (p, rng) => new LineOfSightRadio(p, rng),
  },
};

/**
 * Builds the named radio model. Parameters not given take their defaults; per-episode random
 * draws (ranges, shadowing) come from `rng`, so pass a Random forked from the run's seed.
 * Errors: OUTPOST_ERR_UNKNOWN_RADIO_MODEL (lists the known names), OUTPOST_ERR_INVALID_ARGUMENT
 * for an unknown parameter (lists the model's) or a value that is not a finite number.
 */
export function createRadioModel(name: string, params: RadioParams, rng: Random): RadioModel {
  const entry = Object.hasOwn(radioModels, name) ? radioModels[name] : undefined;
  if (entry === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_RADIO_MODEL',
      `radio model ${JSON.stringify(name)} is not known; expected one of ${Object.keys(radioModels).join(', ')}`,
    );
  }
  const resolved: Record<string, number> = { ...entry.defaults };
  for (const [key, value] of Object.entries(params)) {
    if (!Object.hasOwn(entry.defaults, key)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `radio "${name}": unknown parameter ${JSON.stringify(key)}; expected one of ${Object.keys(entry.defaults).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `radio "${name}": parameter ${key}: expected a finite number, got ${JSON.stringify(value)}`,
      );
    }
    resolved[key] = value;
  }
  return entry.create(resolved, rng);
}
