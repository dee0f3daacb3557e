import { api, el, poll, formatTime } from './api.js';

const live = new Set(['Starting', 'Running', 'Unhealthy', 'Stopping']);
const busy = new Set(['Building', 'Stopping']);

export function render(main) {
  const status = el('p', { class: 'status-line', role: 'status' });
  const body = el('tbody');
  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'Resources'),
      el('p', { class: 'subtitle' }, 'The processes of the application model, their state and health.')),
    el('div', { class: 'card' },
      el('table', { class: 'grid', id: 'resources' },
        el('thead', {}, el('tr', {},
          ['Name', 'Type', 'State', 'Health', 'Endpoints', 'PID', 'Started', 'Restarts', 'Actions'].map(h => el('th', { scope: 'col' }, h)))),
        body)),
    status);

  const rows = new Map();

  async function command(name, action) {
    status.textContent = `${action} ${name}…`;
    const result = await api(`/api/resources/${encodeURIComponent(name)}/${action}`, { method: 'POST' });
    status.textContent = result.ok ? `${name}: ${result.body.state}` : `${name}: ${result.body?.detail ?? result.status}`;
    status.classList.toggle('error', !result.ok);
    await refresh();
  }

  function createRow(resource) {
    const cells = {};
    const button = (action, label) => el('button', {
      class: 'action', 'data-action': action, 'aria-label': `${label} ${resource.name}`, title: `${label} ${resource.name}`,
      onclick: () => command(resource.name, action),
    }, label);
    cells.actions = { start: button('start', 'Start'), stop: button('stop', 'Stop'), restart: button('restart', 'Restart') };
    const row = el('tr', { 'data-resource': resource.name },
      el('td', { class: 'name' }, el('a', { href: `/consolelogs/${encodeURIComponent(resource.name)}`, title: 'Console logs' }, resource.name)),
      el('td', {}, resource.type),
      cells.state = el('td', { class: 'state' }),
      cells.health = el('td', { class: 'health' }),
      cells.urls = el('td', { class: 'urls' }),
      cells.pid = el('td', { class: 'num' }),
      cells.started = el('td', { class: 'num' }),
      cells.restarts = el('td', { class: 'num' }),
      el('td', { class: 'actions' }, cells.actions.start, cells.actions.stop, cells.actions.restart));
    return { row, cells, last: '' };
  }

  function update(entry, r) {
    const key = JSON.stringify([r.state, r.health, r.exitCode, r.urls, r.pid, r.startedAt, r.restartCount, r.message]);
    if (entry.last === key) return;
    entry.last = key;
    const c = entry.cells;
    const stateText = r.state === 'Exited' ? `Exited (${r.exitCode})` : r.state === 'FailedToStart' ? 'Failed to start' : r.state === 'NotStarted' ? 'Not started' : r.state;
    c.state.replaceChildren(...[el('span', { class: `badge state-${r.state.toLowerCase()}`, title: r.message }, stateText),
      r.message ? el('div', { class: 'message' }, r.message) : null].filter(Boolean));
    c.health.replaceChildren(r.health ? el('span', { class: `badge health-${r.health.toLowerCase()}` }, r.health) : el('span', { class: 'muted' }, '—'));
    c.urls.replaceChildren(...(r.urls.length ? r.urls.map(u => el('a', { href: u, target: '_blank', rel: 'noopener' }, u)) : [el('span', { class: 'muted' }, '—')]));
    c.pid.textContent = r.pid ?? '';
    c.started.textContent = formatTime(r.startedAt);
    c.started.title = r.startedAt ?? '';
    c.restarts.textContent = r.restartCount;
    const isLive = live.has(r.state);
    c.actions.start.disabled = isLive || busy.has(r.state);
    c.actions.stop.disabled = !isLive || busy.has(r.state);
    c.actions.restart.disabled = busy.has(r.state) || r.state === 'NotStarted';
  }

  async function refresh() {
    const result = await api('/api/resources');
    if (!result.ok) return;
    for (const r of result.body) {
      let entry = rows.get(r.name);
      if (!entry) {
        entry = createRow(r);
        rows.set(r.name, entry);
        body.append(entry.row);
      }
      update(entry, r);
    }
  }

  poll(refresh, 1000);
}
