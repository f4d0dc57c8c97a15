// The Outpost fleet dashboard: one WebSocket (/ws) with a snapshot, then deltas
// (monitor/DashboardProtocol.ts has the shapes). Plain JavaScript, no build step, nothing from the
// network. Ages are measured on the server's clock (every frame carries `now`), so a browser with a
// wrong clock still shows a stale robot as stale; a lost socket freezes nothing into "live".

import { panels } from './panels.js';

const COLORS = ['#d62728', '#1f5fd6', '#1a8f2a', '#8e44ad', '#e67e00', '#00838f', '#c2185b', '#5d4037'];
const UNKNOWN_RGB = [154, 163, 173];

const state = {
  map: null,
  mapCanvas: document.createElement('canvas'),
  robots: new Map(),
  links: [],
  linksNow: 0,
  alerts: [],
  mission: null,
  coverage: [],
  serverNow: 0,
  recvPerf: 0,
  connected: false,
  mapDirty: true,
  panelsDirty: true,
};

// Measurements the benchmark reads (bench/dashboardLatency.ts): publish → browser latency of each
// telemetry record (its stamp is the robot's wall clock) and requestAnimationFrame intervals.
const stats = { latencyMs: [], frameMs: [], workMs: [] };
window.outpostDashboard = { state, stats };

function serverNow() {
  return state.serverNow + (performance.now() - state.recvPerf);
}

function colorOf(name) {
  const names = [...state.robots.keys()].sort();
  return COLORS[names.indexOf(name) % COLORS.length];
}

// ---- socket -------------------------------------------------------------------------------------

let retryMs = 500;
function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  ws.onopen = () => {
    retryMs = 500;
  };
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    state.serverNow = m.now;
    state.recvPerf = performance.now();
    state.connected = true;
    if (m.type === 'snapshot') applySnapshot(m);
    else if (m.type === 'delta') applyDelta(m);
    state.panelsDirty = true;
  };
  ws.onclose = () => {
    state.connected = false;
    state.panelsDirty = true;
    setTimeout(connect, retryMs);
    retryMs = Math.min(5000, retryMs * 2);
  };
}

function applySnapshot(m) {
  state.robots.clear();
  state.alerts = [];
  state.coverage = [];
  setMap(m.map);
  applyDelta({ ...m, tiles: m.tiles, robots: m.robots, alerts_add: m.alerts, coverage_add: m.coverage });
}

function applyDelta(m) {
  if (m.map) setMap(m.map);
  if (m.tiles && state.map) for (const t of m.tiles) drawTile(t);
  for (const w of m.robots ?? []) {
    let r = state.robots.get(w.name);
    if (!r) {
      r = { name: w.name, trail: [], goal: null, path: [], telemetry: null, telemetry_ms: null, period_s: 1 };
      state.robots.set(w.name, r);
    }
    if (w.x !== undefined) {
      r.x = w.x;
      r.y = w.y;
      r.yaw = w.yaw;
    }
    if (w.trail_add !== undefined) r.trail = r.trail.slice(0, w.trail_from).concat(w.trail_add);
    if (w.goal !== undefined) r.goal = w.goal;
    if (w.path !== undefined) r.path = w.path;
    if (w.telemetry !== undefined) {
      r.telemetry = w.telemetry;
      r.telemetry_ms = w.telemetry_ms;
      r.period_s = w.period_s ?? r.period_s;
      if (w.telemetry && m.type === 'delta') {
        stats.latencyMs.push(Date.now() - w.telemetry.stamp_s * 1000);
        if (stats.latencyMs.length > 20000) stats.latencyMs.splice(0, 10000);
      }
    }
  }
  if (m.links) {
    state.links = m.links;
    state.linksNow = m.now;
  }
  if (m.alerts_add?.length) state.alerts = m.alerts_add.concat(state.alerts).slice(0, 200);
  if (m.mission) state.mission = m.mission;
  if (m.coverage_reset) state.coverage = [];
  if (m.coverage_add) state.coverage.push(...m.coverage_add);
  state.mapDirty = true;
}

// ---- map ----------------------------------------------------------------------------------------

function setMap(info) {
  state.map = info;
  if (!info) return;
  state.mapCanvas.width = info.width;
  state.mapCanvas.height = info.height;
  const g = state.mapCanvas.getContext('2d');
  g.fillStyle = `rgb(${UNKNOWN_RGB.join(',')})`;
  g.fillRect(0, 0, info.width, info.height);
}

function drawTile(t) {
  const cells = Uint8Array.from(atob(t.cells), (c) => c.charCodeAt(0));
  const img = new ImageData(t.w, t.h);
  for (let y = 0; y < t.h; y++) {
    // Map rows grow with +y; canvas rows grow downwards.
    const out = (t.h - 1 - y) * t.w;
    for (let x = 0; x < t.w; x++) {
      const v = cells[y * t.w + x];
      const o = (out + x) * 4;
      if (v === 255) {
        img.data[o] = UNKNOWN_RGB[0];
        img.data[o + 1] = UNKNOWN_RGB[1];
        img.data[o + 2] = UNKNOWN_RGB[2];
      } else {
        const grey = v >= 65 ? 0 : 255 - Math.round(v * 2.55);
        img.data[o] = grey;
        img.data[o + 1] = grey;
        img.data[o + 2] = grey;
      }
      img.data[o + 3] = 255;
    }
  }
  const s = state.map.tile;
  state.mapCanvas.getContext('2d').putImageData(img, t.tx * s, state.map.height - t.ty * s - t.h);
}

/** World → canvas transform fitting the map (or, before one comes, the robots) into the panel. */
function view(canvas) {
  const m = state.map;
  let x0;
  let y0;
  let w;
  let h;
  if (m) {
    x0 = m.origin_x;
    y0 = m.origin_y;
    w = m.width * m.resolution;
    h = m.height * m.resolution;
  } else {
    const ps = [...state.robots.values()].filter((r) => r.x !== undefined);
    const xs = ps.map((r) => r.x);
    const ys = ps.map((r) => r.y);
    x0 = Math.min(0, ...xs) - 5;
    y0 = Math.min(0, ...ys) - 5;
    w = Math.max(0, ...xs) + 5 - x0;
    h = Math.max(0, ...ys) + 5 - y0;
  }
  const scale = Math.min(canvas.width / w, canvas.height / h);
  const ox = (canvas.width - w * scale) / 2;
  const oy = (canvas.height - h * scale) / 2;
  return { scale, px: (x) => ox + (x - x0) * scale, py: (y) => oy + (y0 + h - y) * scale, ox, oy, w, h };
}

function isStale(r) {
  return r.telemetry_ms !== null && serverNow() - r.telemetry_ms > 3 * r.period_s * 1000;
}

function drawMap() {
  const canvas = document.getElementById('map');
  const dpr = window.devicePixelRatio || 1;
  const cw = Math.round(canvas.clientWidth * dpr);
  const ch = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== cw || canvas.height !== ch) {
    canvas.width = cw;
    canvas.height = ch;
  }
  const g = canvas.getContext('2d');
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.fillStyle = '#6b7480';
  g.fillRect(0, 0, cw, ch);
  const v = view(canvas);
  if (state.map) {
    g.imageSmoothingEnabled = false;
    g.drawImage(state.mapCanvas, v.ox, v.oy, v.w * v.scale, v.h * v.scale);
  }
  const robots = [...state.robots.values()].filter((r) => r.x !== undefined);
  const byName = new Map(robots.map((r) => [r.name, r]));
  g.lineWidth = 2 * dpr;
  for (const l of state.links) {
    const a = byName.get(l.a);
    const b = byName.get(l.b);
    if (!a || !b || !l.up) continue;
    g.strokeStyle = '#00a03c';
    g.setLineDash([]);
    line(g, [v.px(a.x), v.py(a.y), v.px(b.x), v.py(b.y)]);
  }
  for (const r of robots) {
    const c = isStale(r) ? '#777' : colorOf(r.name);
    g.globalAlpha = 0.75;
    g.strokeStyle = c;
    g.lineWidth = 2 * dpr;
    g.setLineDash([]);
    line(g, mapXY(v, r.trail));
    g.globalAlpha = 1;
    if (r.path.length >= 4) {
      g.setLineDash([6 * dpr, 4 * dpr]);
      line(g, mapXY(v, r.path));
      g.setLineDash([]);
    }
    if (r.goal) {
      const gx = v.px(r.goal[0]);
      const gy = v.py(r.goal[1]);
      const s = 6 * dpr;
      g.lineWidth = 3 * dpr;
      line(g, [gx - s, gy - s, gx + s, gy + s]);
      line(g, [gx - s, gy + s, gx + s, gy - s]);
    }
    const x = v.px(r.x);
    const y = v.py(r.y);
    const rad = 7 * dpr;
    g.fillStyle = c;
    g.strokeStyle = '#000';
    g.lineWidth = 2 * dpr;
    g.beginPath();
    g.arc(x, y, rad, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
    line(g, [x, y, x + 2 * rad * Math.cos(r.yaw), y - 2 * rad * Math.sin(r.yaw)]);
    g.font = `bold ${13 * dpr}px system-ui, sans-serif`;
    g.fillStyle = '#000';
    g.fillText(isStale(r) ? `${r.name} (stale)` : r.name, x + rad + 3, y - rad);
  }
  document.getElementById('map-status').textContent = state.map
    ? `${state.map.width}×${state.map.height} cells, ${state.map.resolution} m`
    : 'waiting for a map';
}

function mapXY(v, xy) {
  const out = [];
  for (let i = 0; i + 1 < xy.length; i += 2) out.push(v.px(xy[i]), v.py(xy[i + 1]));
  return out;
}

function line(g, pts) {
  if (pts.length < 4) return;
  g.beginPath();
  g.moveTo(pts[0], pts[1]);
  for (let i = 2; i + 1 < pts.length; i += 2) g.lineTo(pts[i], pts[i + 1]);
  g.stroke();
}

const drawPanels = panels({ state, serverNow, colorOf, isStale, line });

// ---- frame loop ---------------------------------------------------------------------------------

let lastFrame = 0;
let lastPanels = 0;
function frame(t) {
  if (lastFrame) {
    stats.frameMs.push(t - lastFrame);
    if (stats.frameMs.length > 20000) stats.frameMs.splice(0, 10000);
  }
  lastFrame = t;
  const start = performance.now();
  // Ages move even when no data comes: panels redraw at 4 Hz at least.
  if (state.mapDirty || t - lastPanels > 250) {
    drawMap();
    state.mapDirty = false;
  }
  if (state.panelsDirty || t - lastPanels > 250) {
    drawPanels();
    state.panelsDirty = false;
    lastPanels = t;
  }
  stats.workMs.push(performance.now() - start);
  if (stats.workMs.length > 20000) stats.workMs.splice(0, 10000);
  requestAnimationFrame(frame);
}

connect();
requestAnimationFrame(frame);
