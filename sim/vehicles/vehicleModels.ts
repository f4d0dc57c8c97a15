import { OutpostError } from '../../runtime/OutpostError.js';
import { DiffDriveVehicle } from './DiffDriveVehicle.js';
import type { Pose2D, Vehicle } from './Vehicle.js';

/** Limits a launch file may set for a vehicle model (SI units). */
export interface VehicleParams {
  radius?: number;
  maxLinear?: number;
  maxAngular?: number;
  maxLinearAccel?: number;
  maxAngularAccel?: number;
}

/** Vehicle models keyed by name, as launch files name them (`vehicle:=diff_drive`). */
export const vehicleModels: Readonly<Record<string, (pose: Pose2D, params: VehicleParams) => Vehicle>> = {
  diff_drive: (pose, params) => new DiffDriveVehicle({ pose, ...params }),
};

/** Builds the named vehicle. Unknown name: OUTPOST_ERR_UNKNOWN_VEHICLE_MODEL, listing the known ones. */
export function createVehicle(kind: string, pose: Pose2D, params: VehicleParams = {}): Vehicle {
  const make = Object.hasOwn(vehicleModels, kind) ? vehicleModels[kind] : undefined;
  if (make === undefined) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_VEHICLE_MODEL',
      `vehicle model ${JSON.stringify(kind)} is not known; expected one of ${Object.keys(vehicleModels).join(', ')}`,
    );
  }
  return make(pose, params);
}
