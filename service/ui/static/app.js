// microseg web page: plain ES module, no framework; the Sankey layout is
// d3-sankey (window.d3, loaded before this module). Every text from the API is
// set with textContent (never as HTML). The token lives in sessionStorage only.
// Pages and filters live in the URL hash (#/rules/shop?verdict=deny&since=5m),
// so a view can be shared; the server filters, aggregates and pages.
const TOKEN_KEY = 'microseg.token';
const POLL_MS = 2000;
const PAGE_SIZE = 50;
const SVG = 'http://www.w3.org/2000/svg';
const VERDICTS = ['allow', 'deny', 'would-deny'];
const WINDOWS = [
  ['5m', 'last 5 minutes'],
  ['1h', 'last hour'],
  ['24h', 'last 24 hours'],
];
const DEFAULT_WINDOW = '1h';
/** A mark beside the colour, so verdicts differ without colour vision. */
const MARK = { allow: '✓', deny: '✕', 'would-deny': '⚠' };
const $ = (sel) => document.querySelector(sel);

let timer = null;
/** The band whose details stay in the side panel (clicked or Enter), by id. */
let pinned = null;

// ---------------------------------------------------------------- DOM helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (n) => Number(n).toLocaleString('en-US');
const verdictBadge = (v) => el('span', { class: `verdict verdict-${v}` }, `${MARK[v]} ${v}`);
const isIp = (s) => /^[0-9.]+$|:/.test(s);
const entityLink = (name, isEntity = !isIp(name)) =>
  isEntity ? el('a', { href: route(['entities', name]) }, name) : el('span', {}, name);
const hostLink = (name) => el('a', { href: route(['hosts', name]) }, name);
const ruleLink = (name, kind) =>
  kind === 'application' ? el('a', { href: route(['rules', name]) }, name) : el('span', {}, name);

// ---------------------------------------------------------------- API

class AuthError extends Error {}

async function api(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401) throw new AuthError('the token was not accepted');
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(body.message || `HTTP ${res.status}`);
    e.field = body.field;
    throw e;
  }
  return body;
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------- routing (the URL hash)

function parseRoute() {
  const h = location.hash.replace(/^#/, '') || '/';
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)),
  };
}

function route(parts, params) {
  const qs = params ? params.toString() : '';
  return `#/${parts.map(enc).join('/')}${qs ? `?${qs}` : ''}`;
}

/** Changes some parameters of the current view (empty removes); any filter change goes back to page 1. */
function setParams(changes) {
  const { parts, params } = parseRoute();
  for (const [k, v] of Object.entries(changes)) {
    if (v === '' || v === null || v === undefined) params.delete(k);
    else params.set(k, v);
  }
  if (!('page' in changes)) params.delete('page');
  location.hash = route(parts, params);
}

/** The verdict, window and search of the view, as API query parameters. */
function filterQuery(params) {
  const q = new URLSearchParams();
  if (params.get('verdict')) q.set('verdict', params.get('verdict'));
  q.set('since', params.get('since') || DEFAULT_WINDOW);
  if (params.get('q')) q.set('q', params.get('q'));
  return q;
}

// ---------------------------------------------------------------- shared parts

function filterBar(params) {
  const verdict = el(
    'select',
    { id: 'f-verdict', 'aria-label': 'Verdict', onchange: (e) => setParams({ verdict: e.target.value }) },
    el('option', { value: '' }, 'every verdict'),
    ...VERDICTS.map((v) => el('option', { value: v }, `${MARK[v]} ${v}`)),
  );
  verdict.value = params.get('verdict') || '';
  const since = el(
    'select',
    { id: 'f-since', 'aria-label': 'Time window', onchange: (e) => setParams({ since: e.target.value }) },
    ...WINDOWS.map(([v, label]) => el('option', { value: v }, label)),
  );
  since.value = params.get('since') || DEFAULT_WINDOW;
  const q = el('input', {
    id: 'f-q',
    type: 'search',
    value: params.get('q') || '',
    placeholder: 'entity, IP or Key:Value',
    'aria-label': 'Search entity or category',
  });
  return el(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        setParams({ q: q.value.trim() });
      },
    },
    el('label', {}, 'Verdict ', verdict),
    el('label', {}, 'Window ', since),
    el('label', {}, 'Search ', q),
    el('button', { type: 'submit' }, 'Filter'),
  );
}

const COLUMNS = [
  ['last_seen', 'Last seen'],
  ['source', 'Source'],
  ['destination', 'Destination'],
  ['service', 'Service'],
  ['verdict', 'Verdict'],
  ['rule', 'Rule'],
  ['count', 'Count'],
];

/**
 * The connections table: one server-side page of /v1/flows with `base` (what
 * the page is about) and the view's filters, sort and page from the URL.
 * Returns the refresh function.
 */
function flowTable(container, base, params) {
  const sort = params.get('sort') || 'last_seen';
  const order = params.get('order') || (['last_seen', 'count'].includes(sort) ? 'desc' : 'asc');
  const page = Math.max(1, Number(params.get('page')) || 1);
  const head = el(
    'tr',
    {},
    ...COLUMNS.map(([key, label]) => {
      const active = key === sort;
      const next =
        active && order === 'desc' ? 'asc' : active ? 'desc' : ['last_seen', 'count'].includes(key) ? 'desc' : 'asc';
      return el(
        'th',
        { scope: 'col', 'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : 'none' },
        el(
          'button',
          { type: 'button', class: 'sort', 'data-sort': key, onclick: () => setParams({ sort: key, order: next }) },
          label,
          active ? (order === 'asc' ? ' ▲' : ' ▼') : '',
        ),
      );
    }),
    el('th', { scope: 'col' }, 'Hosts'),
    el('th', { scope: 'col' }, 'Now'),
  );
  const body = el('tbody');
  const summary = el('span', { class: 'pager-summary', 'aria-live': 'polite' });
  const prev = el(
    'a',
    {
      class: 'pager-prev',
      'aria-disabled': page <= 1 ? 'true' : undefined,
      href: page > 1 ? pageHref(page - 1) : undefined,
    },
    '← Previous',
  );
  const next = el('a', { class: 'pager-next', 'aria-disabled': 'true' }, 'Next →');
  container.replaceChildren(
    el('table', { class: 'flows' }, el('thead', {}, head), body),
    el('p', { class: 'pager' }, prev, ' ', summary, ' ', next),
  );

  return async () => {
    const q = filterQuery(params);
    for (const [k, v] of Object.entries(base)) q.set(k, v);
    q.set('sort', sort);
    q.set('order', order);
    q.set('offset', String((page - 1) * PAGE_SIZE));
    q.set('limit', String(PAGE_SIZE));
    const r = await api(`/v1/flows?${q}`);
    body.replaceChildren(
      ...r.items.map((f) =>
        el(
          'tr',
          { class: `row-${f.verdict}` },
          el('td', {}, new Date(f.last_seen).toLocaleTimeString()),
          el('td', {}, entityLink(f.source, f.source_entity)),
          el('td', {}, entityLink(f.destination, f.destination_entity)),
          el('td', {}, f.port === null ? f.protocol : `${f.protocol}/${f.port}`),
          el('td', {}, verdictBadge(f.verdict)),
          el('td', {}, f.rule ? ruleLink(f.rule, f.rule_kind) : '—'),
          el('td', { class: 'num' }, fmt(f.count)),
          el('td', {}, ...f.hosts.flatMap((h, i) => (i ? [', ', hostLink(h)] : [hostLink(h)]))),
          // What the policy decides for this connection today (it may have changed since it was seen).
          el(
            'td',
            {},
            el(
              'a',
              {
                class: 'explain',
                href: route(
                  ['explain'],
                  new URLSearchParams({
                    src: f.source,
                    dst: f.destination,
                    service: f.port === null ? f.protocol : `${f.protocol}/${f.port}`,
                  }),
                ),
              },
              'explain',
            ),
          ),
        ),
      ),
    );
    if (!r.items.length)
      body.append(el('tr', {}, el('td', { colspan: COLUMNS.length + 2, class: 'hint' }, 'No connections match.')));
    const first = r.total ? (page - 1) * PAGE_SIZE + 1 : 0;
    summary.textContent = `rows ${fmt(first)}–${fmt((page - 1) * PAGE_SIZE + r.items.length)} of ${fmt(r.total)}`;
    const more = page * PAGE_SIZE < r.total;
    if (more) next.setAttribute('href', pageHref(page + 1));
    else next.removeAttribute('href');
    next.setAttribute('aria-disabled', more ? 'false' : 'true');
  };
}

function pageHref(n) {
  const { parts, params } = parseRoute();
  params.set('page', String(n));
  return route(parts, params);
}

function dl(pairs) {
  return el('dl', { class: 'facts' }, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

// ---------------------------------------------------------------- the rule view (Sankey)

const POLICY_VALUE = 0.6;
/** Band thickness grows with the logarithm of connections: one connection stays visible beside thousands. */
const bandValue = (count) => 1 + 1.5 * Math.log10(Math.max(1, count));
const TIER_MIN = 4;
const NODE_PAD = 28;
const TIER_W = 150;
const LABEL_MAX = 30;
const W = 1100;
const M = { left: 240, right: 240, top: 36, bottom: 12 };

const short = (s) => (s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s);

function sankeyDefs() {
  const defs = svg('defs');
  // deny: red with a white cross-hatch; would-deny: orange with dark stripes (pattern, not colour alone).
  const deny = svg('pattern', { id: 'pat-deny', width: 8, height: 8, patternUnits: 'userSpaceOnUse' });
  deny.append(
    svg('rect', { width: 8, height: 8, fill: '#c62828' }),
    svg('path', { d: 'M0,0 L8,8 M8,0 L0,8', stroke: '#fff', 'stroke-width': 1.2 }),
  );
  const would = svg('pattern', {
    id: 'pat-would-deny',
    width: 10,
    height: 10,
    patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)',
  });
  would.append(
    svg('rect', { width: 10, height: 10, fill: '#ef6c00' }),
    svg('rect', { width: 4, height: 10, fill: '#6d2c00' }),
  );
  defs.append(deny, would);
  return defs;
}

function legend() {
  const item = (cls, text) =>
    el('span', { class: 'legend-item' }, el('span', { class: `sw ${cls}`, 'aria-hidden': 'true' }), text);
  return el(
    'p',
    { class: 'legend' },
    item('allow', '✓ allow'),
    item('deny', '✕ deny'),
    item('would-deny', '⚠ would-deny (monitor)'),
    item('policy', 'allowed by the rule'),
    el(
      'span',
      { class: 'hint' },
      ' Band thickness grows with connections (log scale). Hover, focus or click a band for its services and counts.',
    ),
  );
}

function renderSankey(holder, panel, view) {
  const d3 = window.d3;
  const nodes = view.nodes.map((n, i) => ({ ...n, order: i }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const links = [
    ...view.policy
      .filter((p) => byId.has(p.source) && byId.has(p.target))
      .map((p) => ({ source: p.source, target: p.target, value: POLICY_VALUE, policy: p })),
    ...view.bands.map((b) => ({ source: b.source, target: b.target, value: bandValue(b.count), band: b })),
  ];
  const sumIn = new Map();
  const sumOut = new Map();
  for (const l of links) {
    sumOut.set(l.source, (sumOut.get(l.source) ?? 0) + l.value);
    sumIn.set(l.target, (sumIn.get(l.target) ?? 0) + l.value);
  }
  // Every node keeps a height of its own, and a tier room for its name inside.
  for (const n of nodes)
    n.fixedValue = Math.max(sumIn.get(n.id) ?? 0, sumOut.get(n.id) ?? 0, n.kind === 'tier' ? TIER_MIN : 1);
  const columns = [0, 1, 2].map((c) => nodes.filter((n) => n.column === c));
  const want = Math.max(...columns.map((c) => (c.length - 1) * NODE_PAD + c.reduce((s, n) => s + n.fixedValue, 0) * 7));
  const H = Math.min(Math.max(want, 220), 1800) + M.top + M.bottom;
  const layout = d3
    .sankey()
    .nodeId((d) => d.id)
    .nodeAlign((n) => n.column)
    .nodeWidth(14)
    .nodePadding(NODE_PAD)
    .nodeSort((a, b) => a.order - b.order)
    .extent([
      [M.left, M.top],
      [W - M.right, H - M.bottom],
    ]);
  const graph = layout({ nodes, links });
  for (const n of graph.nodes) {
    if (n.kind !== 'tier') continue;
    const mid = (n.x0 + n.x1) / 2;
    n.x0 = mid - TIER_W / 2;
    n.x1 = mid + TIER_W / 2;
  }
  const path = d3.sankeyLinkHorizontal();
  const s = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    'data-rule': view.rule,
    role: 'group',
    'aria-label': `Rule ${view.rule}: sources, tiers and destinations`,
  });
  s.append(sankeyDefs());
  const headers = [
    ['Sources', M.left + 14, 'end'],
    [view.tier_key ? `Tiers (${view.tier_key})` : 'Target', W / 2, 'middle'],
    ['Destinations', W - M.right - 14, 'start'],
  ];
  for (const [t, x, anchor] of headers)
    s.append(svg('text', { x, y: 18, class: 'col-head label', 'text-anchor': anchor }, t));

  const policyG = svg('g', { class: 'policy-paths' });
  for (const l of graph.links.filter((x) => x.policy)) {
    const p = svg('path', {
      d: path(l),
      class: 'policy',
      'stroke-width': Math.max(1, l.width),
      'data-source': l.source.id,
      'data-target': l.target.id,
    });
    p.append(
      svg('title', {}, `allowed by the rule: ${l.source.label} → ${l.target.label}: ${l.policy.services.join(', ')}`),
    );
    policyG.append(p);
  }
  s.append(policyG);

  const order = { allow: 0, deny: 1, 'would-deny': 2 }; // would-deny drawn last, on top
  const bandG = svg('g', { class: 'bands' });
  for (const l of graph.links.filter((x) => x.band).sort((a, b) => order[a.band.verdict] - order[b.band.verdict])) {
    const b = l.band;
    const p = svg('path', {
      d: path(l),
      class: `band verdict-${b.verdict}${pinned === b.id ? ' pinned' : ''}`,
      'stroke-width': Math.max(2, l.width),
      tabindex: 0,
      role: 'button',
      'aria-pressed': pinned === b.id ? 'true' : 'false',
      'aria-label': `${b.verdict}: ${l.source.label} to ${l.target.label}, ${b.count} connections`,
      'data-band': b.id,
      'data-verdict': b.verdict,
      'data-source': l.source.id,
      'data-target': l.target.id,
      'data-rules': b.rules.join(','),
    });
    const detail = () => bandDetail(panel, b, l.source.label, l.target.label, view);
    p.addEventListener('mouseenter', detail);
    p.addEventListener('focus', detail);
    const restore = () => showPinned(panel, view, graph);
    p.addEventListener('mouseleave', restore);
    p.addEventListener('blur', restore);
    const toggle = () => {
      pinned = pinned === b.id ? null : b.id;
      for (const other of bandG.querySelectorAll('path.band')) {
        const on = other.getAttribute('data-band') === pinned;
        other.classList.toggle('pinned', on);
        other.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
      detail();
    };
    p.addEventListener('click', toggle);
    p.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle();
      }
    });
    bandG.append(p);
  }
  s.append(bandG);

  for (const n of graph.nodes) {
    const g = svg('g', { class: `node kind-${n.kind}`, 'data-node': n.id });
    const h = Math.max(n.y1 - n.y0, 2);
    g.append(
      svg('rect', { x: n.x0, y: n.y0, width: n.x1 - n.x0, height: h, rx: n.kind === 'tier' ? 5 : 2, class: 'box' }),
    );
    const title = svg(
      'title',
      {},
      n.kind === 'tier'
        ? `${n.label}: ${n.entities} entities (${n.sample.join(', ')}${n.entities > n.sample.length ? ', …' : ''})`
        : n.label,
    );
    if (n.kind === 'tier') {
      g.append(svg('text', { x: n.x0 + 8, y: n.y0 + 15, class: 'label tier-label' }, short(n.label)));
      if (h >= 34)
        g.append(
          svg(
            'text',
            { x: n.x0 + 8, y: n.y0 + 29, class: 'label small' },
            `${fmt(n.entities)} ${n.entities === 1 ? 'entity' : 'entities'}`,
          ),
        );
    } else {
      const left = n.column === 0;
      g.append(
        svg(
          'text',
          {
            x: left ? n.x0 - 6 : n.x1 + 6,
            y: (n.y0 + n.y1) / 2 + 4,
            'text-anchor': left ? 'end' : 'start',
            class: `label kind-${n.kind}`,
          },
          short(n.label),
        ),
      );
    }
    g.append(title);
    s.append(g);
  }
  holder.replaceChildren(s);
  showPinned(panel, view, graph);
}

function showPinned(panel, view, graph) {
  const l = pinned && graph.links.find((x) => x.band && x.band.id === pinned);
  if (l) bandDetail(panel, l.band, l.source.label, l.target.label, view);
  else summaryDetail(panel, view, graph);
}

function summaryDetail(panel, view, graph) {
  const t = view.totals;
  const label = (id) => graph.nodes.find((n) => n.id === id)?.label ?? id;
  panel.replaceChildren(
    el('h3', {}, 'In this window'),
    el('p', {}, ...VERDICTS.flatMap((v) => [verdictBadge(v), ` ${fmt(t[v])}  `])),
    el('h3', {}, 'Allowed by the rule'),
    view.policy.length
      ? el(
          'ul',
          { class: 'paths' },
          ...view.policy.map((p) => el('li', {}, `${label(p.source)} → ${label(p.target)}: ${p.services.join(', ')}`)),
        )
      : el('p', { class: 'hint' }, 'nothing listed'),
  );
}

function bandDetail(panel, b, from, to, view) {
  const table = (head, rows, more, what) =>
    el(
      'table',
      { class: 'detail' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, head), el('th', { scope: 'col' }, 'Connections'))),
      el(
        'tbody',
        {},
        ...rows,
        ...(more ? [el('tr', {}, el('td', { colspan: 2, class: 'hint' }, `+ ${fmt(more)} more ${what}`))] : []),
      ),
    );
  const endHead = b.target.startsWith('tier:') ? 'Source' : 'Destination';
  panel.replaceChildren(
    el('h3', {}, verdictBadge(b.verdict), ` ${from} → ${to}`),
    el('p', {}, `${fmt(b.count)} connections, last seen ${new Date(b.last_seen).toLocaleTimeString()}`),
    table(
      'Service',
      b.services.map((s) =>
        el('tr', { 'data-service': s.service }, el('td', {}, s.service), el('td', { class: 'num' }, fmt(s.count))),
      ),
      b.more_services,
      'services',
    ),
    table(
      endHead,
      b.endpoints.map((e) => el('tr', {}, el('td', {}, entityLink(e.name)), el('td', { class: 'num' }, fmt(e.count)))),
      b.more_endpoints,
      'ends',
    ),
    el(
      'p',
      {},
      'Decided by: ',
      ...(b.rules.length
        ? b.rules.flatMap((r, i) => [
            i ? ', ' : '',
            r === view.rule ? el('a', { href: route(['rules', r]) }, r) : el('span', {}, r),
          ])
        : ['no rule (default allow)']),
    ),
  );
}

// ---------------------------------------------------------------- pages

async function overviewPage(page, params) {
  const hosts = el('tbody');
  const rules = el('tbody');
  const flows = el('div');
  page.replaceChildren(
    el('h2', {}, 'Hosts'),
    el(
      'table',
      { id: 'hosts' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Host', 'Reachable', 'Desired', 'Realized', 'Lag', 'Flows', 'Drift repairs', 'Last error'].map((h) =>
            el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      hosts,
    ),
    el('h2', {}, 'Rules'),
    el(
      'table',
      { id: 'rules' },
      el('thead', {}, el('tr', {}, ...['Kind', 'Rule', 'Mode'].map((h) => el('th', { scope: 'col' }, h)))),
      rules,
    ),
    el('h2', {}, 'Recent connections'),
    filterBar(params),
    flows,
  );
  const table = flowTable(flows, {}, params);
  let rulesOf = null; // the generation the rules table shows: rules change only with it
  return async () => {
    const status = await api('/v1/status');
    hosts.replaceChildren(...status.hosts.map((h) => hostRow(h)));
    if (rulesOf !== status.generation) {
      const [app, iso, quar, shared] = await Promise.all([
        api('/v1/application-rules'),
        api('/v1/isolation-rules'),
        api('/v1/quarantine-rules'),
        api('/v1/shared-service-rules'),
      ]);
      rules.replaceChildren(
        ...[
          ['application', app.items],
          ['shared service', shared.items],
          ['isolation', iso.items],
          ['quarantine', quar.items],
        ].flatMap(([kind, items]) =>
          items.map((r) =>
            el(
              'tr',
              {},
              el('td', {}, kind),
              el(
                'td',
                {},
                kind === 'application'
                  ? el('a', { href: route(['rules', r.name]), 'data-rule': r.name }, r.name)
                  : r.name,
              ),
              el('td', {}, r.mode),
            ),
          ),
        ),
      );
      rulesOf = status.generation;
    }
    await table();
  };
}

function hostRow(h) {
  const s = h.status;
  const lag = s.realized_generation === null ? '—' : s.desired_generation - s.realized_generation;
  return el(
    'tr',
    { 'data-host': h.name },
    el('td', {}, hostLink(h.name)),
    el('td', {}, s.reachable ? '✓ yes' : '✕ no'),
    el('td', {}, s.desired_generation),
    el('td', {}, s.realized_generation ?? '—'),
    el('td', {}, lag),
    el('td', {}, s.flow_count ?? '—'),
    el('td', {}, s.drift_repairs ?? 0),
    el('td', { class: 'error' }, s.last_error ?? ''),
  );
}

async function rulePage(page, params, name) {
  const holder = el('div', { id: 'view', class: 'sankey' }, el('p', { class: 'hint' }, 'Loading…'));
  const panel = el('aside', { id: 'band-detail', 'aria-live': 'polite', 'aria-label': 'Band details' });
  const title = el('span', { id: 'view-title' });
  const flows = el('div');
  page.replaceChildren(
    el('h2', {}, 'Rule ', el('strong', {}, name), ' ', title),
    filterBar(params),
    legend(),
    el('div', { class: 'view-row' }, holder, panel),
    el('h2', {}, 'Connections this rule decided'),
    flows,
  );
  const table = flowTable(flows, { rule: name, rule_kind: 'application' }, params);
  let drawn = '';
  const view = async () => {
    const v = await api(`/v1/application-rules/${enc(name)}/flow-view?${filterQuery(params)}`);
    const text = JSON.stringify(v);
    if (text === drawn) return false; // nothing new: keep the drawing, and the reader's focus and hover on it
    drawn = text;
    title.textContent = `(${v.mode}${v.intra_group === 'allow' ? '; members of the target may talk to each other' : ''})`;
    const focused = document.activeElement?.closest?.('#view path.band')?.getAttribute('data-band');
    renderSankey(holder, panel, v);
    if (focused)
      [...holder.querySelectorAll('path.band')]
        .find((p) => p.getAttribute('data-band') === focused)
        ?.focus({ preventScroll: true });
    return true;
  };
  // Marked once the table below is drawn too: both come from one refresh, so one mark says both are current.
  return async () => {
    const [drew] = await Promise.all([view(), table()]);
    if (drew) holder.dataset.rendered = String(Date.now());
  };
}

async function entityPage(page, params, name) {
  const facts = el('div');
  const rules = el('tbody');
  const flows = el('div');
  page.replaceChildren(
    el('h2', {}, 'Entity ', el('strong', {}, name)),
    facts,
    el('h3', {}, 'Rules that target it'),
    el(
      'table',
      { id: 'entity-rules' },
      el('thead', {}, el('tr', {}, ...['Kind', 'Rule', 'Mode', 'As'].map((h) => el('th', { scope: 'col' }, h)))),
      rules,
    ),
    el('h3', {}, 'Recent connections'),
    filterBar(params),
    flows,
  );
  const table = flowTable(flows, { entity: name }, params);
  return async () => {
    const [e, r] = await Promise.all([api(`/v1/entities/${enc(name)}`), api(`/v1/entities/${enc(name)}/rules`)]);
    facts.replaceChildren(
      dl([
        ['Host', hostLink(e.host)],
        ['Port', e.port],
        ['MAC', e.mac ?? '—'],
        ['IPs', e.ips.join(', ')],
        [
          'Categories',
          el(
            'span',
            { id: 'entity-categories' },
            ...Object.entries(e.categories).map(([k, v]) =>
              el('span', { class: 'chip', 'data-category': `${k}:${v}` }, `${k}: ${v}`),
            ),
          ),
        ],
      ]),
    );
    rules.replaceChildren(
      ...r.items.map((x) =>
        el(
          'tr',
          { 'data-rule': x.name },
          el('td', {}, x.kind),
          el('td', {}, ruleLink(x.name, x.kind)),
          el('td', {}, x.mode),
          el('td', {}, x.as),
        ),
      ),
    );
    if (!r.items.length)
      rules.append(
        el(
          'tr',
          {},
          el('td', { colspan: 4, class: 'hint' }, 'No rule targets it: its connections are allowed by default.'),
        ),
      );
    await table();
  };
}

async function hostPage(page, params, name) {
  const facts = el('div');
  const disagreements = el('div', { id: 'host-verify' });
  const flows = el('div');
  page.replaceChildren(
    el('h2', {}, 'Host ', el('strong', {}, name)),
    facts,
    disagreements,
    el('h3', {}, 'Connections its agent reported'),
    filterBar(params),
    flows,
  );
  const table = flowTable(flows, { host: name }, params);
  return async () => {
    const h = await api(`/v1/hosts/${enc(name)}`);
    const s = h.status;
    facts.replaceChildren(
      dl([
        ['Bridge', h.bridge],
        ['Programmed by', h.ovs_rundir ? `the service (${h.ovs_rundir})` : 'a standalone microseg-agent'],
        ['Uplinks', (h.uplinks ?? []).join(', ') || '—'],
        ['Reachable', s.reachable ? '✓ yes' : '✕ no'],
        ['Desired generation', s.desired_generation],
        ['Realized generation', s.realized_generation ?? '—'],
        [
          'Realization',
          s.realized_generation === s.desired_generation
            ? '✓ up to date'
            : `⚠ ${s.realized_generation === null ? 'never realized' : `${s.desired_generation - s.realized_generation} behind`}`,
        ],
        ['OpenFlow flows', s.flow_count ?? '—'],
        ['Drift repairs', s.drift_repairs ?? 0],
        [
          'Verified generation',
          el(
            'span',
            { id: 'host-verified' },
            s.verified_generation === null || s.verified_generation === undefined
              ? '— (not verified yet)'
              : s.verified_generation === s.realized_generation
                ? `✓ ${s.verified_generation}: the sampled traces agree with explain()`
                : `⚠ ${s.verified_generation} (realized ${s.realized_generation ?? '—'})`,
          ),
        ],
        ['Last error', el('span', { class: 'error', id: 'host-last-error' }, s.last_error ?? 'none')],
        ['Last report', s.updated_at ? new Date(s.updated_at).toLocaleString() : 'never'],
      ]),
    );
    disagreements.replaceChildren(...verifyDisagreements(s.verify_disagreements ?? []));
    await table();
  };
}

/** The connections whose traces on the bridge disagree with explain() (the agent's verifier). */
function verifyDisagreements(list) {
  if (list.length === 0) return [];
  const service = (d) =>
    d.port !== undefined
      ? `${d.protocol}/${d.port}`
      : d.icmp_type !== undefined
        ? `${d.protocol} type ${d.icmp_type}`
        : d.protocol;
  return [
    el('h3', { class: 'error' }, `⚠ The bridge disagrees with the policy on ${list.length} connection(s)`),
    el(
      'table',
      { id: 'host-disagreements' },
      el(
        'thead',
        {},
        el('tr', {}, ...['Connection', 'explain()', 'Bridge (ofproto/trace)', 'Problem'].map((t) => el('th', {}, t))),
      ),
      el(
        'tbody',
        {},
        ...list.map((d) =>
          el(
            'tr',
            {},
            el('td', {}, `${d.src} → ${d.dst} ${service(d)}`),
            el('td', {}, `${d.explain.verdict}${d.explain.rule ? ` (${d.explain.rule})` : ''}`),
            el(
              'td',
              {},
              `${d.bridge.verdict}${d.bridge.rule ? ` (${d.bridge.rule})` : ''}${d.bridge.dropped_at ? `, dropped in ${d.bridge.dropped_at}` : ''}`,
            ),
            el('td', {}, d.problem),
          ),
        ),
      ),
    ),
  ];
}

async function explainPage(page, params) {
  const field = (id, label, value, placeholder) =>
    el('label', {}, `${label} `, el('input', { id, name: id, value: value || '', placeholder, required: true }));
  const result = el('div', { id: 'explain-result', 'aria-live': 'polite' });
  const form = el(
    'form',
    {
      id: 'explain-form',
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        const f = new FormData(form);
        setParams({ src: f.get('src').trim(), dst: f.get('dst').trim(), service: f.get('service').trim() });
      },
    },
    field('src', 'Source', params.get('src'), 'entity or IP'),
    field('dst', 'Destination', params.get('dst'), 'entity or IP'),
    field('service', 'Service', params.get('service'), 'tcp/5432, udp/53, icmp'),
    el('button', { type: 'submit' }, 'Explain'),
  );
  page.replaceChildren(
    el('h2', {}, 'Explain a connection'),
    el('p', { class: 'hint' }, 'What the policy decides for one new connection (the same as /v1/reachability).'),
    form,
    result,
  );
  if (!params.get('src') || !params.get('dst') || !params.get('service')) return null;
  const m = params.get('service').match(/^(tcp|udp|icmp|icmpv6)(?:\/([0-9]{1,5}))?$/);
  if (!m) {
    result.replaceChildren(
      el('p', { class: 'error', role: 'alert' }, 'service: write it as tcp/5432, udp/53, icmp or icmpv6'),
    );
    return null;
  }
  const q = new URLSearchParams({ src: params.get('src'), dst: params.get('dst'), protocol: m[1] });
  if (m[2]) q.set(m[1].startsWith('icmp') ? 'icmp_type' : 'port', m[2]);
  try {
    const r = await api(`/v1/reachability?${q}`);
    result.replaceChildren(
      dl([
        ['Verdict', el('span', { id: 'explain-verdict' }, verdictBadge(r.verdict))],
        ['Layer', el('span', { id: 'explain-layer' }, r.layer)],
        ['Rule', el('span', { id: 'explain-rule' }, r.rule ? ruleLink(r.rule, r.layer) : 'none (default allow)')],
        ['Mode', el('span', { id: 'explain-mode' }, r.mode ?? '—')],
        [
          'Drafts (mode off)',
          el(
            'span',
            { id: 'explain-drafts' },
            (r.drafts ?? []).length
              ? (r.drafts ?? []).flatMap((d, i) => [
                  i ? '; ' : '',
                  `${d.kind} ${d.rule} would give `,
                  verdictBadge(d.verdict),
                ])
              : 'none would change it',
          ),
        ],
      ]),
    );
  } catch (e) {
    if (e instanceof AuthError) throw e;
    // Name the field, unless the message already starts with it.
    result.replaceChildren(
      el(
        'p',
        { class: 'error', role: 'alert' },
        e.field && !e.message.startsWith(`${e.field}:`) ? `${e.field}: ${e.message}` : e.message,
      ),
    );
  }
  return null;
}

// ---------------------------------------------------------------- the loop

async function withErrors(fn) {
  try {
    await fn();
    $('#error').textContent = '';
    $('#live').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    if (e instanceof AuthError) {
      sessionStorage.removeItem(TOKEN_KEY);
      showSignin(e.message);
    } else $('#error').textContent = e.message;
  }
}

async function showPage() {
  clearInterval(timer);
  const { parts, params } = parseRoute();
  const page = $('#page');
  const [kind, name] = parts;
  document.title = `microseg${kind ? ` · ${kind}${name ? ` ${name}` : ''}` : ''}`;
  let refresh = null;
  await withErrors(async () => {
    if (kind === 'rules' && name) refresh = await rulePage(page, params, name);
    else if (kind === 'entities' && name) refresh = await entityPage(page, params, name);
    else if (kind === 'hosts' && name) refresh = await hostPage(page, params, name);
    else if (kind === 'explain') refresh = await explainPage(page, params);
    else refresh = await overviewPage(page, params);
    const generation = api('/v1/status').then((status) => {
      $('#generation').textContent = `generation ${status.generation}`;
    });
    await Promise.all([generation, refresh?.()]);
  });
  let busy = false; // a slow answer is not asked again before it arrives
  if (refresh)
    timer = setInterval(() => {
      if (!busy) {
        busy = true;
        withErrors(refresh).finally(() => {
          busy = false;
        });
      }
    }, POLL_MS);
}

function showSignin(message = '') {
  clearInterval(timer);
  $('#app').hidden = true;
  $('#signout').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = message;
}

function start() {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#signout').hidden = false;
  showPage();
}

window.addEventListener('hashchange', () => {
  if (!$('#app').hidden) {
    pinned = null;
    showPage();
  }
});
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
$('#signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showSignin();
});

if (sessionStorage.getItem(TOKEN_KEY)) start();
else showSignin();
