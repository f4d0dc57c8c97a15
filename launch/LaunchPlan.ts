import type { ParameterValue } from '../runtime/Parameter.js';
import type { Remap } from '../runtime/TopicName.js';

export interface SourceLocation { file: string; line: number; column: number }

export interface LaunchNodeSpec {
  pkg: string;
  kind: string;
  name: string;
  namespace: string;
  parameters: Record<string, ParameterValue>;
  remappings: Remap[];
  respawn: boolean;
  respawnDelay: number;
  respawnMaxRetries: number;
  process: boolean;
  env: Record<string, string>;
  location: SourceLocation;
}

export interface LaunchPlan { file: string; arguments: Record<string, string>; nodes: LaunchNodeSpec[]; files: string[] }
