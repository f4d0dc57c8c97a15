import { MessageRegistry } from './MessageRegistry.js';
import { builtinInterfaceDirectory, loadInterfaceDirectory } from './InterfaceDirectory.js';

let registry: MessageRegistry | undefined;

/** The process-wide registry: common ROS 2 types plus Outpost's own `outpost_msgs` and `std_srvs`. */
export function defaultRegistry(): MessageRegistry {
  if (registry === undefined) {
    registry = new MessageRegistry();
    loadInterfaceDirectory(registry, builtinInterfaceDirectory());
  }
  return registry;
}
