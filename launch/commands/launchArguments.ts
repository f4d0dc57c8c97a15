import { OutpostError } from '../../runtime/OutpostError.js';

/** `FILE name:=value ...` from a command line: the launch file and its arguments. */
export function launchArguments(
  positionals: readonly string[],
  usage: string,
): { file: string; args: Record<string, string> } {
  const [file, ...rest] = positionals;
  if (file === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `missing launch file; usage: ${usage}`);
  const args: Record<string, string> = {};
  for (const a of rest) {
    const i = a.indexOf(':=');
    if (i <= 0)
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `launch argument ${JSON.stringify(a)}: expected name:=value`);
    args[a.slice(0, i)] = a.slice(i + 2);
  }
  return { file, args };
}
