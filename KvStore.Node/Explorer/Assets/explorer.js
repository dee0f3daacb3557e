// The KV explorer: one node's page. Every call stays under /ui (untraced); values are shown as text, never as HTML.
const $ = id => document.getElementById(id);
const fmt = n => Number(n).toLocaleString('en');

// The highest version this page wrote: reads and data pages ask for it (min_version), so a follower shows our own
// writes once it has applied them instead of an older state.
let ownVersion = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v; else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.flat().filter(c => c !== null && c !== undefined));
  return node;
}

async function api(path, options = {}) {
  try {
    const response = await fetch('api/' + path, options);
    const type = response.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await response.json() : await response.text();
    return { ok: response.ok, status: response.status, body };
  } catch (e) {
    return { ok: false, status: 0, body: { detail: `Cannot reach this node: ${e.message}` } };
  }
}

const problemText = r => `${r.status ? r.status + ' ' : ''}${r.body?.code ?? ''}: ${r.body?.detail ?? r.body?.title ?? JSON.stringify(r.body)}`;
const withMin = params => (ownVersion > 0 ? params.set('min_version', ownVersion) : null, params);

function sizeText(bytes) {
  return bytes < 1024 ? `${fmt(bytes)} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(2)} MiB`;
}

// --- Header and, on the leader, the followers' positions -------------------------------------------------------
let pageTitleSet = false;
async function refreshStatus() {
  const r = await api('status');
  $('connection').textContent = r.ok ? `updated ${new Date().toLocaleTimeString('en-GB')}` : problemText(r);
  $('connection').classList.toggle('error', !r.ok);
  if (!r.ok) return;
  const s = r.body;
  $('node-name').textContent = s.node;
  $('node-role').textContent = s.role;
  $('node-role').className = `badge role-${s.role}`;
  $('applied-index').textContent = fmt(s.appliedIndex);
  $('leader-info').hidden = s.role === 'leader' || !s.leader;
  $('leader-url').textContent = s.leader ?? '';
  if (s.leader) $('leader-url').href = `${s.leader}/ui/`;
  $('write-note').textContent = s.role === 'leader'
    ? 'This node is the leader: writes are committed here and replicated to the followers.'
    : `This node is a follower: it forwards writes to the leader${s.leader ? ` (${s.leader})` : ''}.`;
  if (!pageTitleSet) { document.title = `${s.node} · KV explorer`; pageTitleSet = true; }
  renderFollowers(s.cluster);
}

function renderFollowers(cluster) {
  $('followers-card').hidden = !cluster;
  if (!cluster) return;
  $('cluster-summary').textContent = `Last index ${fmt(cluster.lastIndex)} · write quorum ${cluster.writeQuorum} of ${cluster.followers.length}` +
    ` · simulated lag ${(cluster.minDelay * 1000).toFixed(1)}–${(cluster.maxDelay * 1000).toFixed(1)} ms`;
  $('followers').tBodies[0].replaceChildren(...cluster.followers.map(f => el('tr', { 'data-follower': f.name },
    el('td', { class: 'name' }, el('div', { text: f.name }), el('div', { class: 'muted small mono', text: f.url })),
    el('td', { class: 'state' }, el('span', { class: `badge state-${f.state.toLowerCase()}`, text: f.state })),
    el('td', { class: 'num acked', text: fmt(f.ackedIndex) }),
    el('td', { class: `num lag${f.lag > 0 ? ' behind' : ''}`, text: fmt(f.lag) }),
    el('td', { class: 'num latency', text: f.lastAckLatencyMs == null ? '—' : `${f.lastAckLatencyMs.toFixed(2)} ms` }),
    el('td', { class: 'error-text', text: f.lastError ?? '' }))));
}

// --- Read ------------------------------------------------------------------------------------------------------
async function read(key) {
  const r = await api('kv?' + withMin(new URLSearchParams({ key })));
  const out = $('read-result');
  if (!r.ok) {
    out.replaceChildren(el('p', { class: 'status-line error', text: r.status === 404 ? `No key '${key}' on this node.` : problemText(r) }));
    return;
  }
  const v = r.body;
  const full = 'api/value?' + new URLSearchParams({ key });
  out.replaceChildren(
    el('p', { class: 'status-line' }, 'Version ', el('strong', { id: 'read-version', text: v.version }), ` · ${fmt(v.bytes)} bytes`,
      v.truncated ? [' · first part shown · ', el('a', { href: full, target: '_blank', rel: 'noopener', text: 'full value' })] : null),
    el('pre', { id: 'read-value', class: 'value', text: v.preview + (v.truncated ? '…' : '') }));
}

// --- Write and delete (a follower forwards them to the leader) --------------------------------------------------
async function write(method) {
  const key = $('write-key').value;
  const raw = $('write-value').value;
  const asString = document.querySelector('input[name=as]:checked').value === 'string';
  const options = { method };
  if (method === 'PUT') {
    options.headers = { 'content-type': 'application/json' };
    options.body = asString ? JSON.stringify(raw) : raw;
  }
  const out = $('write-result');
  out.textContent = method === 'PUT' ? 'Writing…' : 'Deleting…';
  out.classList.remove('error');
  const r = await api('kv?' + new URLSearchParams({ key }), options);
  out.classList.toggle('error', !r.ok);
  if (!r.ok) { out.textContent = `${method === 'PUT' ? 'Write' : 'Delete'} refused: ${problemText(r)}`; return; }
  ownVersion = Math.max(ownVersion, r.body.version);
  out.textContent = `${method === 'PUT' ? 'Written' : 'Deleted'}: ${r.body.key} at version ${r.body.version}` +
    ` (${r.body.acks} follower${r.body.acks === 1 ? '' : 's'} acknowledged, quorum ${r.body.quorum})`;
  $('read-key').value = key;
  await Promise.all([read(key), loadData(currentAfter)]);
}

// --- Data, one page at a time ------------------------------------------------------------------------------------
let currentAfter = '';
let nextAfter = null;
const earlier = []; // the cursors of the pages before this one, for "Previous page"

async function loadData(after) {
  const params = new URLSearchParams({ limit: $('data-limit').value });
  if (after) params.set('after', after);
  if ($('data-prefix').value) params.set('prefix', $('data-prefix').value);
  const r = await api('data?' + withMin(params));
  if (!r.ok) { $('data-summary').textContent = problemText(r); return; }
  const page = r.body;
  currentAfter = after;
  nextAfter = page.next;
  $('data-next').disabled = !page.next;
  $('data-first').disabled = !after;
  $('data-previous').disabled = earlier.length === 0;
  const keys = n => `key${n === 1 ? '' : 's'}`;
  const what = n => page.prefix ? `${keys(n)} starting with '${page.prefix}'` : keys(n);
  $('data-summary').textContent = page.items.length === 0
    ? (after ? `No more ${what(2)}.` : `No ${what(2)} on ${page.node} yet.`)
    : `${fmt(page.matching)} ${what(page.matching)} on ${page.node} (applied index ${fmt(page.appliedIndex)}); showing ${page.items.length}` +
      (after ? ` after '${after}'` : '') + ', in key order.';
  $('data').tBodies[0].replaceChildren(...page.items.map(item => el('tr', { 'data-key': item.key },
    el('td', { class: 'key' }, el('a', { href: '#', title: item.key, text: item.key })),
    el('td', { class: 'num version', text: item.version }),
    el('td', { class: 'value' }, el('code', { text: item.preview + (item.truncated ? '…' : '') }),
      item.truncated ? el('span', { class: 'muted small', text: ` (first ${fmt(item.preview.length)} characters)` }) : null),
    el('td', { class: 'num size', title: `${fmt(item.bytes)} bytes`, text: sizeText(item.bytes) }))));
}

function wire() {
  $('read-form').addEventListener('submit', e => { e.preventDefault(); read($('read-key').value); });
  $('write-form').addEventListener('submit', e => { e.preventDefault(); write('PUT'); });
  $('delete-button').addEventListener('click', () => { if ($('write-form').reportValidity()) write('DELETE'); });
  const fromStart = () => { earlier.length = 0; loadData(''); };
  $('data-form').addEventListener('submit', e => { e.preventDefault(); fromStart(); });
  $('data-first').addEventListener('click', fromStart);
  $('data-previous').addEventListener('click', () => earlier.length && loadData(earlier.pop()));
  $('data-next').addEventListener('click', () => { if (nextAfter) { earlier.push(currentAfter); loadData(nextAfter); } });
  $('data').addEventListener('click', e => {
    const row = e.target.closest('tr[data-key]');
    if (!row || e.target.tagName !== 'A') return;
    e.preventDefault();
    $('read-key').value = row.dataset.key;
    $('write-key').value = row.dataset.key;
    read(row.dataset.key);
  });
}

// Polls without overlapping: the next round starts only after the previous answer (a slow node is not piled on).
function every(ms, task, enabled = () => true) {
  const round = async () => {
    try { if (enabled()) await task(); } finally { setTimeout(round, ms); }
  };
  round();
}

wire();
every(1000, refreshStatus);
loadData('');
every(2000, () => loadData(currentAfter), () => $('data-auto').checked);
