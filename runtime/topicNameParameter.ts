import { EndpointPattern } from './EndpointPattern.js';
import type { ParameterValue } from './Parameter.js';

const RELATIVE = new EndpointPattern('{topic*}');

/**
 * For a string parameter that names a topic a node kind creates (`odom_topic`, `map_topic`): the
 * kind declares it as a `{odom_topic*}` pattern, which matches relative names only, so an absolute
 * or `~/` name is refused when the launch file is checked rather than when the node configures.
 * `allowEmpty`: "" switches the endpoint off.
 */
export function relativeTopicCheck(allowEmpty = false): (value: ParameterValue) => string | undefined {
  return (value) => {
    const v = String(value);
    if ((allowEmpty && v === '') || RELATIVE.matches(v)) return undefined;
    return `expected a topic name relative to the node's namespace, such as "odom" or "fc/odom"${allowEmpty ? ', or ""' : ''}, got ${JSON.stringify(v)}`;
  };
}
