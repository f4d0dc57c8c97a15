// The dashboard's side panels: mission clock, coverage plot, link graph and table, robot cards,
// alerts. Plain DOM, redrawn whole (a few dozen elements) at most a few times a second.

/** `d`: what the panels read from the page (dashboard.js): its state, clock and colours. */
export function panels({ state, serverNow, colorOf, isStale, line }) {
  const fmt = (x, digits = 1, unit = '') => (x === null || x === undefined ? '—' : `${x.toFixed(digits)}${unit}`);

  function el(tag, attrs = {}, text = '') {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  }

  function drawClock() {
    const m = state.mission;
    const c = document.getElementById('clock');
    c.textContent = m
      ? `mission t = ${fmt(m.sim_time_s, 1, ' s')} · wall ${fmt(m.wall_time_s, 0, ' s')} · ×${fmt(m.speed_up, 1)} · coverage ${fmt(100 * m.coverage, 1, '%')}${m.done || m.reason ? ` · ended: ${m.reason}` : ''}`
      : '';
    const conn = document.getElementById('connection');
    const age = (serverNow() - state.serverNow) / 1000;
    const lost = !state.connected || performance.now() - state.recvPerf > 3000;
    conn.dataset.state = lost ? (state.serverNow ? 'lost' : 'connecting') : 'live';
    conn.textContent = lost ? (state.serverNow ? `no data for ${age.toFixed(0)} s` : 'connecting…') : 'live';
  }

  function drawCoverage() {
    const canvas = document.getElementById('coverage');
    const g = canvas.getContext('2d');
    const W = canvas.width;
    const H = canvas.height;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    g.strokeStyle = '#ccc';
    g.lineWidth = 1;
    for (let p = 0; p <= 4; p++) line(g, [0, H - (p * H) / 4, W, H - (p * H) / 4]);
    const c = state.coverage;
    if (c.length < 2) return;
    const tMax = Math.max(1, c[c.length - 2]);
    const pts = [];
    for (let i = 0; i + 1 < c.length; i += 2) pts.push((c[i] / tMax) * (W - 2) + 1, H - c[i + 1] * (H - 2) - 1);
    g.strokeStyle = '#1f5fd6';
    g.lineWidth = 2;
    line(g, pts);
    g.fillStyle = '#000';
    g.font = '11px system-ui, sans-serif';
    g.fillText(`${fmt(100 * c[c.length - 1], 1, '%')} at t = ${fmt(tMax, 0, ' s')}`, 4, 12);
  }

  function drawLinks() {
    const names = [...new Set([...state.robots.keys(), ...state.links.flatMap((l) => [l.a, l.b])])].sort();
    const pos = new Map(
      names.map((n, i) => [
        n,
        [
          45 * Math.cos((2 * Math.PI * i) / names.length - Math.PI / 2),
          45 * Math.sin((2 * Math.PI * i) / names.length - Math.PI / 2),
        ],
      ]),
    );
    const svg = document.getElementById('link-graph');
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    for (const l of state.links) {
      const [ax, ay] = pos.get(l.a);
      const [bx, by] = pos.get(l.b);
      const e = document.createElementNS(ns, 'line');
      for (const [k, v] of Object.entries({ x1: ax, y1: ay, x2: bx, y2: by })) e.setAttribute(k, v);
      e.setAttribute('stroke', l.up ? '#006b21' : '#b00000');
      e.setAttribute('stroke-width', l.up ? '2.5' : '1.5');
      if (!l.up) e.setAttribute('stroke-dasharray', '4 3');
      svg.append(e);
    }
    for (const n of names) {
      const [x, y] = pos.get(n);
      const c = document.createElementNS(ns, 'circle');
      for (const [k, v] of Object.entries({ cx: x, cy: y, r: 8, fill: colorOf(n) ?? '#444', stroke: '#000' }))
        c.setAttribute(k, v);
      const t = document.createElementNS(ns, 'text');
      for (const [k, v] of Object.entries({ x, y: y + 3.5, 'text-anchor': 'middle', 'font-size': 8, fill: '#fff' }))
        t.setAttribute(k, v);
      t.textContent = n;
      svg.append(c, t);
    }
    const since = (serverNow() - state.linksNow) / 1000;
    const rows = state.links.map((l) => {
      const tr = el('tr', { 'data-link': `${l.a}|${l.b}`, 'data-up': String(l.up) });
      tr.append(
        el('td', {}, `${l.a} — ${l.b}`),
        el('td', {}, l.up ? 'up' : 'CUT'),
        el('td', {}, l.age_s === null ? '—' : `${(l.age_s + since).toFixed(1)} s ago`),
      );
      return tr;
    });
    document.querySelector('#link-table tbody').replaceChildren(...rows);
  }

  function drawCards() {
    const cards = [...state.robots.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => {
        const t = r.telemetry;
        const age = r.telemetry_ms === null ? null : (serverNow() - r.telemetry_ms) / 1000;
        const stale = t === null ? 'none' : String(isStale(r));
        const card = el('div', { class: 'card', 'data-robot': r.name, 'data-stale': stale });
        card.style.borderLeftColor = colorOf(r.name);
        const head = el('div', { class: 'head' });
        const badge =
          t === null ? 'no telemetry' : stale === 'true' ? `STALE ${age.toFixed(0)} s` : `live ${age.toFixed(1)} s`;
        head.append(el('span', {}, r.name), el('span', { class: 'badge' }, badge));
        card.append(head);
        const rows = [
          [
            'pose',
            r.x === undefined ? '—' : `${fmt(r.x, 1)}, ${fmt(r.y, 1)} m  ${fmt((r.yaw * 180) / Math.PI, 0, '°')}`,
          ],
        ];
        if (t) {
          const connected = t.links.filter((l) => l.connected).length;
          rows.push(
            [
              'battery',
              t.battery_percent === null
                ? '—'
                : `${fmt(t.battery_percent, 0, '%')}${t.battery_voltage === null ? '' : ` ${fmt(t.battery_voltage, 1, ' V')}`}`,
            ],
            ['link', `${connected}/${t.links.length} peers`],
            ['outbox', `${t.outbox_depth} queued, ${t.outbox_dropped} dropped`],
            [
              'policy',
              t.policy_p50_ms === null
                ? '—'
                : `p50 ${fmt(t.policy_p50_ms, 1)} / p99 ${fmt(t.policy_p99_ms, 1)} ms, ${t.policy_fallbacks} fallbacks`,
            ],
            ['process', `CPU ${fmt(t.cpu_percent, 0, '%')}, RSS ${fmt(t.rss_kib / 1024, 0, ' MiB')}`],
            ['mode', t.mode || '—'],
          );
          if (t.vehicle === 'multirotor')
            rows.push(['armed', t.armed ? 'ARMED' : 'disarmed'], ['altitude', fmt(t.altitude, 1, ' m')]);
        }
        const dl = el('dl');
        for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', { 'data-field': k }, v));
        card.append(dl);
        return card;
      });
    document.getElementById('cards').replaceChildren(...cards);
  }

  function drawAlerts() {
    const items = state.alerts.map((a) => {
      const li = el('li', { 'data-robot': a.robot, 'data-level': String(a.level) });
      // Stamps over a billion seconds are epoch time (a real robot); below, sim time.
      const when = a.stamp_s > 1e9 ? new Date(a.stamp_s * 1000).toLocaleTimeString() : `t = ${a.stamp_s.toFixed(1)} s`;
      li.append(
        el('span', { class: 'when' }, `${when} `),
        el('b', {}, `${a.robot} `),
        document.createTextNode(`${a.level === 2 ? 'ERROR' : 'WARN'} ${a.source}: ${a.message}`),
      );
      return li;
    });
    document.getElementById('alerts').replaceChildren(...items);
  }

  return () => {
    drawClock();
    drawCoverage();
    drawLinks();
    drawCards();
    drawAlerts();
  };
}
