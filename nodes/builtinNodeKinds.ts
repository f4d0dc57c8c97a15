import { NodeKindRegistry } from '../runtime/NodeKind.js';
import { odometryIntegratorKind } from './examples/OdometryIntegrator.js';
import { twistPublisherKind } from './examples/TwistPublisher.js';

/** Every node kind shipped with Outpost, as `pkg: outpost` launch files find them by `exec`. */
export function builtinNodeKinds(): NodeKindRegistry {
  return new NodeKindRegistry()
    .register(twistPublisherKind)
    .register(odometryIntegratorKind);
}
