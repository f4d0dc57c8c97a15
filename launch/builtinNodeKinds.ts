import { NodeKindRegistry } from '../runtime/NodeKind.js';
import { mapRevealerKind } from '../nodes/examples/MapRevealer.js';
import { odometryIntegratorKind } from '../nodes/examples/OdometryIntegrator.js';
import { createExplorerKind } from '../nodes/exploration/ExplorerNode.js';
import { twistPublisherKind } from '../nodes/examples/TwistPublisher.js';
import { controllerKind } from '../nodes/exploration/ControllerNode.js';
import { mapperKind } from '../nodes/exploration/MapperNode.js';
import { plannerKind } from '../nodes/exploration/PlannerNode.js';
import { fleetLinkKind } from '../nodes/fleet/FleetLinkNode.js';
import { linkGateKind } from '../nodes/fleet/LinkGateNode.js';
import { simulatorKind } from '../sim/SimulatorNode.js';
import { mapServerGroundTruth } from '../sim/world/MapServerGroundTruth.js';
import { motorBridgeKind } from '../firmware-bridge/MotorBridgeNode.js';
import { mavlinkBridgeKind } from '../firmware-bridge/MavlinkBridgeNode.js';
import { foxgloveBridgeKind } from '../monitor/foxglove/FoxgloveBridgeNode.js';
import { telemetryKind } from '../nodes/telemetry/TelemetryNode.js';
import { groundStationKind } from '../nodes/groundstation/GroundStationNode.js';

/** Every node kind shipped with Outpost, as `pkg: outpost` launch files find them by `exec`. */
export function builtinNodeKinds(): NodeKindRegistry {
  return (
    new NodeKindRegistry()
      .register(twistPublisherKind)
      .register(odometryIntegratorKind)
      .register(mapRevealerKind)
      .register(fleetLinkKind)
      .register(linkGateKind)
      .register(mapperKind)
      .register(plannerKind)
      .register(controllerKind)
      // The simulator's ground truth for the privileged expert (ground_truth_map, training/).
      .register(createExplorerKind({ groundTruth: mapServerGroundTruth }))
      .register(simulatorKind)
      .register(motorBridgeKind)
      .register(mavlinkBridgeKind)
      .register(foxgloveBridgeKind)
      .register(telemetryKind)
      .register(groundStationKind)
  );
}
