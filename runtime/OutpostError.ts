/**
 * One catalogue of error codes for all of Outpost (after fastify's `errors.js`): every error a user
 * can meet has a stable code, a message that says what was expected and what came, and, where it
 * wraps another error, a `cause`. `OutpostError.test.ts` checks that README lists every code.
 */
export const ERROR_CODES = {
  OUTPOST_ERR_INVALID_ARGUMENT: 'an argument to an Outpost API was not what the API expects',
  OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE: 'a message type name is not known to the message registry',
  OUTPOST_ERR_MESSAGE_DEFINITION: 'a .msg/.srv definition could not be parsed',
  OUTPOST_ERR_CDR_DECODE: 'CDR bytes could not be decoded as the named message type',
  OUTPOST_ERR_CDR_ENCODE: 'a message object could not be encoded as the named message type',
  OUTPOST_ERR_INVALID_NAME: 'a node, namespace, topic or service name breaks the ROS 2 naming rules',
  OUTPOST_ERR_TYPE_MISMATCH: 'a topic or service is already in use with a different type',
  OUTPOST_ERR_PARAMETER_NOT_DECLARED: 'a parameter was read or set before it was declared',
  OUTPOST_ERR_PARAMETER_ALREADY_DECLARED: 'a parameter was declared twice',
  OUTPOST_ERR_PARAMETER_TYPE: 'a parameter value has the wrong type',
  OUTPOST_ERR_PARAMETER_RANGE: 'a parameter value lies outside its declared range',
  OUTPOST_ERR_PARAMETER_READ_ONLY: 'a read-only parameter was set after declaration',
  OUTPOST_ERR_LIFECYCLE_TRANSITION: 'a lifecycle transition is not valid from the current state',
  OUTPOST_ERR_NODE_DESTROYED: 'an entity was used after its node was destroyed',
  OUTPOST_ERR_SERVICE_TIMEOUT: 'a service call got no response within its timeout',
  OUTPOST_ERR_SERVICE_UNAVAILABLE: 'no server offers the called service',
  OUTPOST_ERR_SERVICE_FAILED: 'the service handler threw instead of returning a response',
  OUTPOST_ERR_ABORTED: 'an operation was cancelled through its AbortSignal',
  OUTPOST_ERR_TRANSPORT_UNKNOWN: 'a transport name is not in the transport table',
  OUTPOST_ERR_TRANSPORT_UNAVAILABLE: 'a transport cannot be loaded on this machine (e.g. rclnodejs without ROS 2)',
  OUTPOST_ERR_TRANSPORT_CLOSED: 'a transport was used after it was closed or lost its connection',
  OUTPOST_ERR_BUS_PROTOCOL: 'a frame on the local bus socket was malformed',
  OUTPOST_ERR_LAUNCH_FILE: 'a launch file cannot be read or parsed',
  OUTPOST_ERR_LAUNCH_ACTION: 'a launch file names an unknown action or gives an action a bad field',
  OUTPOST_ERR_LAUNCH_SUBSTITUTION: 'a launch substitution is unknown, malformed or cannot be resolved',
  OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE: 'launch files include each other in a cycle',
  OUTPOST_ERR_LAUNCH_ARGUMENT: 'a launch argument is missing, unknown or not one of its choices',
  OUTPOST_ERR_UNKNOWN_NODE_KIND: 'a launch file names a node kind that is not registered',
  OUTPOST_ERR_UNDECLARED_ENDPOINT: 'a node created a topic or service endpoint that its node kind does not declare',
  OUTPOST_ERR_UNKNOWN_PARAMETER: 'a launch file sets a parameter that its node kind does not declare',
  OUTPOST_ERR_PARAMETER_FILE: 'a parameter file is not in the ROS 2 ros__parameters layout',
  OUTPOST_ERR_NO_RUNNING_LAUNCH: 'the CLI found no running launch to talk to',
  OUTPOST_ERR_UNKNOWN_NODE: 'a node named on the command line is not in the running launch',
  OUTPOST_ERR_CLI_USAGE: 'the command line is not one the CLI understands',
  OUTPOST_ERR_FLEET_PAYLOAD: 'a fleet-link MQTT payload is truncated, garbage or oversized (counted and dropped)',
  OUTPOST_ERR_FLEET_TYPE_MISMATCH: 'a fleet envelope names a message type whose definition hash differs from ours',
  OUTPOST_ERR_FLEET_AUTH:
    'a fleet broker refused credentials, or a robot published or subscribed outside its namespace',
  OUTPOST_ERR_FLEET_ROUTE: 'a fleet route is unknown or its settings are invalid',
  OUTPOST_ERR_FLEET_STREAM_REQUEST:
    "a ground station's stream request is not JSON {topic, duration_s} with an absolute topic and 0..3600 s (logged, counted, ignored)",
  OUTPOST_ERR_FLEET_QUEUE_FULL: 'a message was rejected because its route\'s byte cap is full (drop policy "reject")',
  OUTPOST_ERR_FLEET_OUTBOX: 'the on-disk fleet outbox or inbox cannot be opened or written',
  OUTPOST_ERR_FLEET_BROKER: 'a fleet MQTT broker (embedded Aedes or Mosquitto) cannot be started or reached',
  OUTPOST_ERR_FLEET_DIAGNOSTICS:
    'a fleet_link diagnostic status lacks a figure, repeats one or has one that is not a count (the status is dropped)',
  OUTPOST_ERR_MAP_TILE: 'a map tile or tile batch is malformed, out of bounds or has invalid cells',
  OUTPOST_ERR_MAP_SUMMARY: 'a map tile summary (origin → tile → version) is truncated or malformed',
  OUTPOST_ERR_MAP_GEOMETRY: "a peer's map has a different size, resolution or tile size than ours",
  OUTPOST_ERR_UNKNOWN_POLICY: 'a launch file or a caller names a policy that is not in its policy table',
  OUTPOST_ERR_WORLD_FILE: 'a world map (map_server YAML and its PGM/PNG image) is missing, malformed or unsupported',
  OUTPOST_ERR_UNKNOWN_WORLD_GENERATOR: 'a world generator name is not in the generator table',
  OUTPOST_ERR_UNKNOWN_RADIO_MODEL: 'a radio model name is not in the radio model table',
  OUTPOST_ERR_UNKNOWN_VEHICLE_MODEL: 'a vehicle model name is not in the vehicle model table',
  OUTPOST_ERR_UNKNOWN_FIRMWARE_MODEL: 'a simulated firmware name is not in the firmware model table',
  OUTPOST_ERR_MODEL_CARD: 'a model card (*.card.json) is missing, not JSON, or has a missing or malformed field',
  OUTPOST_ERR_MODEL_LOAD:
    "a policy model file is missing, corrupt, differs from its card's checksum, or fails its warm-up run",
  OUTPOST_ERR_MODEL_CONTRACT: "a policy model's inputs or outputs (name, dtype, shape) differ from its model card",
  OUTPOST_ERR_POLICY_INPUT:
    'the tensors given for one policy decision do not match the model card (the decision falls back)',
  OUTPOST_ERR_POLICY_RUN: 'the policy model threw while deciding (the decision falls back)',
  OUTPOST_ERR_POLICY_DEADLINE: 'the policy model answered after its latency budget (the decision falls back)',
  OUTPOST_ERR_FIRMWARE_LINK:
    'a firmware link URL is malformed, or its serial port, TCP or UDP endpoint cannot be opened',
  OUTPOST_ERR_UNKNOWN_LINK_SCHEME: "a firmware link URL's scheme is not in the link scheme table",
  OUTPOST_ERR_FIRMWARE_COMMAND:
    'a command to an autopilot was refused (COMMAND_ACK result) or got no acknowledgement after its retries',
  OUTPOST_ERR_FOXGLOVE_PROTOCOL:
    'a Foxglove WebSocket client sent a frame that is not a well-formed op of the protocol (it is disconnected)',
  OUTPOST_ERR_FOXGLOVE_LISTEN: 'the Foxglove WebSocket server cannot listen on its address and port',
  OUTPOST_ERR_DASHBOARD_LISTEN: 'the dashboard cannot listen on its address and port (in use, or not allowed)',
  OUTPOST_ERR_MCAP_FILE:
    'a file given to replay or bag info is not MCAP, is truncated before anything usable, or cannot be read or written',
  OUTPOST_ERR_RECORD_TOPIC: 'a topic named in --topics of a recording or replay never appeared (or is not in the file)',
} as const;

export type OutpostErrorCode = keyof typeof ERROR_CODES;

/** Where in a source file (a launch file, a parameter file) an error was found; 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export class OutpostError extends Error {
  readonly code: OutpostErrorCode;
  /** The place in a file the error is about, when it is about one (the message names it too). */
  readonly location?: SourceLocation;

  constructor(code: OutpostErrorCode, message: string, options?: { cause?: unknown; location?: SourceLocation }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OutpostError';
    this.code = code;
    if (options?.location !== undefined) this.location = options.location;
  }
}

/** True when `err` is an OutpostError, optionally of the given code. */
export function isOutpostError(err: unknown, code?: OutpostErrorCode): err is OutpostError {
  return err instanceof OutpostError && (code === undefined || err.code === code);
}

/** How a value looks in an error message: `"text"`, `3`, `[1,2]`, `object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${(value as Uint8Array).length}`;
  if (typeof value === 'function') return 'a function';
  return 'an object';
}
