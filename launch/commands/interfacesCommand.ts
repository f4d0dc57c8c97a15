import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import type { CliCommand } from './CliCommand.js';

export const interfacesCommand: CliCommand = {
  name: 'interfaces',
  summary: 'list message and service types, or show one definition',
  usage: 'outpost interfaces [list | show TYPE]',
  help: `Lists every ROS 2 message and service type Outpost knows, or prints one definition.

Examples:
  outpost interfaces list
  outpost interfaces show nav_msgs/msg/OccupancyGrid`,
  async run(args, io) {
    const registry = defaultRegistry();
    const [sub = 'list', type] = args;
    if (sub === 'list') {
      for (const t of registry.types()) io.out(t);
      for (const t of registry.serviceTypes()) io.out(t);
      return 0;
    }
    if (sub === 'show' && type !== undefined) {
      if (registry.hasService(type)) {
        io.out(registry.definitionText(`${type}_Request`));
        io.out('---');
        io.out(registry.definitionText(`${type}_Response`));
      } else io.out(registry.definitionText(type));
      return 0;
    }
    io.err(`usage: ${this.usage}`);
    return 2;
  },
};
