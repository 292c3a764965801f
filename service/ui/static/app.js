// microseg web page: plain ES module, no framework. Every text from the API is
// set with textContent (never as HTML). The token lives in sessionStorage only.
const TOKEN_KEY = 'microseg.token';
const POLL_MS = 2000;
const SVG = 'http://www.w3.org/2000/svg';
const $ = (sel) => document.querySelector(sel);

let selectedRule = decodeURIComponent((location.hash.match(/rule=([^&]+)/) || [])[1] || '');
let timer = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

class AuthError extends Error {}

async function api(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) throw new AuthError('the token was not accepted');
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`);
  return body;
}

function showSignin(message = '') {
  clearInterval(timer);
  $('#app').hidden = true;
  $('#signout').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = message;
}

function fillTable(id, rows) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(...rows);
}

function renderHosts(status) {
  $('#generation').textContent = `generation ${status.generation}`;
  fillTable('hosts', status.hosts.map((h) => {
    const s = h.status;
    const lag = s.realized_generation === null ? '—' : s.desired_generation - s.realized_generation;
    return el('tr', { 'data-host': h.name }, el('td', {}, h.name), el('td', {}, s.reachable ? 'yes' : 'no'), el('td', {}, s.desired_generation),
      el('td', {}, s.realized_generation ?? '—'), el('td', {}, lag), el('td', {}, s.flow_count ?? '—'), el('td', { class: 'error' }, s.last_error ?? ''));
  }));
}

function renderRules(lists) {
  const rows = [];
  for (const [kind, items] of lists) {
    for (const r of items) {
      const name = kind === 'application' ? el('a', { onclick: () => selectRule(r.name), 'data-rule': r.name }, r.name) : r.name;
      rows.push(el('tr', { class: kind === 'application' && r.name === selectedRule ? 'selected' : '' }, el('td', {}, kind), el('td', {}, name), el('td', {}, r.mode)));
    }
  }
  fillTable('rules', rows);
}

function renderFlows(items) {
  fillTable('flows', items.slice(0, 50).map((f) => el('tr', { class: `row-${f.verdict}` },
    el('td', {}, new Date(f.last_seen).toLocaleTimeString()), el('td', {}, f.source), el('td', {}, f.destination),
    el('td', {}, f.port === null ? f.protocol : `${f.protocol}/${f.port}`), el('td', { class: `verdict-${f.verdict}` }, f.verdict),
    el('td', {}, f.rule ?? ''), el('td', {}, f.count))));
}

/** Draws inbound → tiers → outbound columns with policy paths and observed edges. */
function renderView(view) {
  $('#view-title').textContent = `— ${view.rule} (${view.mode})`;
  const columns = [view.inbound, view.tiers, view.outbound];
  const W = 960, colX = [20, 370, 720], nodeW = 220;
  const heightOf = (n) => (n.kind === 'tier' ? 36 + 14 * Math.min(n.entities.length, 6) : 36);
  const pos = new Map();
  let maxY = 0;
  columns.forEach((nodes, c) => {
    let y = 40;
    for (const n of nodes) {
      const h = heightOf(n);
      pos.set(n.id, { x: colX[c], y, h });
      y += h + 18;
    }
    maxY = Math.max(maxY, y);
  });
  const s = svg('svg', { width: W, height: Math.max(maxY + 20, 160), 'data-rule': view.rule, role: 'img' });
  ['Inbound sources', view.tier_key ? `Tiers (${view.tier_key})` : 'Target', 'Outbound destinations']
    .forEach((t, c) => s.append(svg('text', { x: colX[c], y: 20, 'font-weight': 700 }, t)));

  const path = (from, to, bend) => {
    const a = pos.get(from), b = pos.get(to);
    if (!a || !b) return null;
    const x1 = a.x + nodeW, y1 = a.y + a.h / 2 + bend, x2 = b.x, y2 = b.y + b.h / 2 + bend;
    if (x2 <= x1) { // tier → tier: loop on the right side of the column
      const xr = x1 + 30 + Math.abs(y2 - y1) * 0.35;
      return { d: `M${x1},${y1} C${xr},${y1} ${xr},${y2} ${x1},${y2}`, mx: xr - 10, my: (y1 + y2) / 2 + 4 };
    }
    // Label at t = 0.35 along the curve: near the source, where edges into one tier have not converged yet.
    const cx = (x1 + x2) / 2, t = 0.35, u = 1 - t;
    const at = (p0, p1, p2, p3) => u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
    return { d: `M${x1},${y1} C${cx},${y1} ${cx},${y2} ${x2},${y2}`, mx: at(x1, cx, cx, x2) - 20, my: at(y1, y1, y2, y2) - 6 };
  };
  for (const p of view.policy) {
    const g = path(p.from, p.to, 0);
    if (g) s.append(svg('path', { d: g.d, class: 'edge policy' }, undefined));
  }
  const order = { allow: 0, deny: 1, 'would-deny': 2 }; // would-deny drawn last, on top
  const bends = { allow: -6, deny: 0, 'would-deny': 6 };
  for (const e of [...view.edges].sort((a, b) => order[a.verdict] - order[b.verdict])) {
    const g = path(e.from, e.to, bends[e.verdict]);
    if (!g) continue;
    const p = svg('path', { d: g.d, class: `edge observed verdict-${e.verdict}`, 'data-verdict': e.verdict, 'data-from': e.from, 'data-to': e.to, 'data-rules': e.rules.join(',') });
    p.append(svg('title', {}, `${e.verdict}: ${e.services.join(', ')} ×${e.count}${e.rules.length ? ` (rule ${e.rules.join(', ')})` : ''}`));
    s.append(p);
    s.append(svg('text', { x: g.mx, y: g.my, class: `edge-label verdict-${e.verdict}` }, `${e.verdict === 'allow' ? '' : `${e.verdict} `}${e.services.join(',')} ×${e.count}`));
  }
  columns.flat().forEach((n) => {
    const p = pos.get(n.id);
    const g = svg('g', { class: `node ${n.kind}`, 'data-node': n.id });
    g.append(svg('rect', { x: p.x, y: p.y, width: nodeW, height: p.h, rx: 6 }));
    g.append(svg('text', { x: p.x + 8, y: p.y + 20 }, n.label));
    if (n.entities) n.entities.slice(0, 6).forEach((name, i) => g.append(svg('text', { x: p.x + 14, y: p.y + 36 + 14 * i, class: 'small' }, name)));
    s.append(g);
  });
  $('#view').replaceChildren(s);
}

function selectRule(name) {
  selectedRule = name;
  location.hash = `rule=${encodeURIComponent(name)}`;
  refresh();
}

async function refresh() {
  try {
    const [status, app, iso, quar, flows] = await Promise.all([
      api('/v1/status'), api('/v1/application-rules'), api('/v1/isolation-rules'), api('/v1/quarantine-rules'), api('/v1/flows?limit=200'),
    ]);
    renderHosts(status);
    if (!selectedRule && app.items.length) selectedRule = app.items[0].name;
    renderRules([['application', app.items], ['isolation', iso.items], ['quarantine', quar.items]]);
    renderFlows(flows.items);
    if (selectedRule) renderView(await api(`/v1/application-rules/${encodeURIComponent(selectedRule)}/flow-view`));
    $('#error').textContent = '';
    $('#live').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    if (e instanceof AuthError) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignin(e.message);
    } else $('#error').textContent = e.message;
  }
}

function start() {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#signout').hidden = false;
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, POLL_MS);
}

$('#signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('#token').value.trim());
  $('#token').value = '';
  try {
    await api('/v1/status');
    start();
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignin(e.message);
  }
});
$('#signout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); showSignin(); });

if (sessionStorage.getItem(TOKEN_KEY)) start(); else showSignin();
