import type { MessageOf, TimeMsg } from '../../runtime/index.js';
import type { GraphObservation } from './GraphObservation.js';

type Marker = MessageOf<'visualization_msgs/msg/MarkerArray'>['markers'][number];
type Color = { r: number; g: number; b: number; a: number };

const POINTS = 8;
const LINE_LIST = 5;
const GREY: Color = { r: 0.6, g: 0.6, b: 0.6, a: 0.8 };
const EDGE: Color = { r: 0.3, g: 0.5, b: 0.9, a: 0.35 };

/**
 * The graph as RViz/Foxglove markers: namespace `nodes` (POINTS; grey without utility, green
 * brighter with more, red at the robot, orange where a teammate is believed to be) and `edges`
 * (LINE_LIST, each undirected edge once). z = 0 in `frame`.
 */
export function graphMarkers(
  obs: GraphObservation,
  frame: string,
  stamp: TimeMsg,
): MessageOf<'visualization_msgs/msg/MarkerArray'> {
  const maxUtility = Math.max(1, ...obs.nodes.map((n) => n.utility));
  const points = obs.nodes.map((n) => ({ x: n.x, y: n.y, z: 0 }));
  const colors = obs.nodes.map((n, i): Color => {
    if (i === obs.currentIndex) return { r: 1, g: 0.1, b: 0.1, a: 1 };
    if (n.occupied === 1) return { r: 1, g: 0.6, b: 0, a: 1 };
    return n.utility > 0 ? { r: 0.1, g: 0.4 + (0.6 * n.utility) / maxUtility, b: 0.1, a: 1 } : GREY;
  });
  const segments: Array<{ x: number; y: number; z: number }> = [];
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      // Each undirected edge once: i<j always, i>j only when j does not list i.
      if (j === i || (j < i && obs.edges[j]!.includes(i))) continue;
      segments.push(points[i]!, points[j]!);
    }
  });
  const pointSize = Math.max(obs.resolution * 3, 0.1);
  return {
    markers: [
      marker(frame, stamp, 'nodes', 0, POINTS, { x: pointSize, y: pointSize, z: 0 }, GREY, points, colors),
      marker(frame, stamp, 'edges', 1, LINE_LIST, { x: pointSize / 4, y: 0, z: 0 }, EDGE, segments, []),
    ],
  };
}

function marker(
  frame: string,
  stamp: TimeMsg,
  ns: string,
  id: number,
  type: number,
  scale: { x: number; y: number; z: number },
  color: Color,
  points: Marker['points'],
  colors: Color[],
): Marker {
  return {
    header: { stamp, frame_id: frame },
    ns,
    id,
    type,
    action: 0,
    pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    scale,
    color,
    lifetime: { sec: 0, nanosec: 0 },
    frame_locked: false,
    points,
    colors,
    texture_resource: '',
    texture: { header: { stamp, frame_id: '' }, format: '', data: new Uint8Array(0) },
    uv_coordinates: [],
    text: '',
    mesh_resource: '',
    mesh_file: { filename: '', data: new Uint8Array(0) },
    mesh_use_embedded_materials: false,
  };
}
