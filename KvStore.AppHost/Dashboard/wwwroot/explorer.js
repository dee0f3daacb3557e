import { api, el, poll } from './api.js';

const show = value => value === undefined ? '' : JSON.stringify(value);

export function render(main) {
  const key = el('input', { id: 'write-key', name: 'key', required: true, placeholder: 'key', autocomplete: 'off' });
  const value = el('input', { id: 'write-value', name: 'value', required: true, placeholder: '"hello" or {"a": 1} or 42', autocomplete: 'off' });
  const writeResult = el('p', { class: 'status-line', id: 'write-result', role: 'status' });
  const writeForm = el('form', { class: 'form-row', id: 'write-form' },
    el('label', { for: 'write-key' }, 'Key'), key,
    el('label', { for: 'write-value' }, 'Value (JSON; plain text is sent as a string)'), value,
    el('button', { type: 'submit', class: 'primary' }, 'Write via leader'));

  const readKey = el('input', { id: 'read-key', name: 'key', required: true, placeholder: 'key', autocomplete: 'off' });
  const readForm = el('form', { class: 'form-row', id: 'read-form' },
    el('label', { for: 'read-key' }, 'Key'), readKey,
    el('button', { type: 'submit' }, 'Read on every node'));
  const readBody = el('tbody');
  const readTable = el('table', { class: 'grid', id: 'read-results' },
    el('thead', {}, el('tr', {}, ['Node', 'Value', 'Version', 'Answer'].map(h => el('th', { scope: 'col' }, h)))), readBody);

  const replicas = el('div', { id: 'replicas' });

  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'KV explorer'),
      el('p', { class: 'subtitle' }, 'Write through the leader, then see what every replica holds.')),
    el('div', { class: 'columns' },
      el('section', { class: 'card' }, el('h2', {}, 'Write'), writeForm, writeResult),
      el('section', { class: 'card' }, el('h2', {}, 'Read a key'), readForm, readTable)),
    el('section', { class: 'card' }, el('h2', {}, 'Replicas side by side'),
      el('p', { class: 'subtitle' }, 'Every key on every node, as value @ version. A cell that differs from the leader is highlighted.'),
      replicas));

  writeForm.addEventListener('submit', async e => {
    e.preventDefault();
    let parsed;
    try { parsed = JSON.parse(value.value); } catch { parsed = value.value; }
    writeResult.textContent = 'Writing…';
    const result = await api('/api/kv/write', { method: 'POST', body: JSON.stringify({ key: key.value, value: parsed }) });
    writeResult.classList.toggle('error', !result.ok);
    writeResult.textContent = result.ok
      ? `Written: ${result.body.key} = ${show(parsed)} at version ${result.body.version} (${result.body.acks} of quorum ${result.body.quorum} acknowledged)`
      : `Write failed (${result.status}): ${result.body?.detail ?? result.body?.title ?? JSON.stringify(result.body)}`;
    if (result.ok) {
      readKey.value = key.value;
      await read();
      await refreshReplicas();
    }
  });

  readForm.addEventListener('submit', async e => { e.preventDefault(); await read(); });

  async function read() {
    const result = await api('/api/kv/read?key=' + encodeURIComponent(readKey.value));
    if (!result.ok) return;
    readBody.replaceChildren(...result.body.map(n => {
      const found = n.status === 200;
      return el('tr', { 'data-node': n.resource },
        el('td', { class: 'name' }, n.resource),
        el('td', { class: 'value' }, found ? show(n.body.value) : el('span', { class: 'muted' }, '—')),
        el('td', { class: 'num version' }, found ? n.body.version : ''),
        el('td', {}, n.error ? el('span', { class: 'badge state-exited' }, n.error)
          : el('span', { class: `badge ${found ? 'health-healthy' : 'state-stopped'}` }, found ? '200 OK' : `${n.status} ${n.body?.code ?? ''}`)));
    }));
  }

  async function refreshReplicas() {
    const result = await api('/api/kv/data');
    if (!result.ok) return;
    const nodes = result.body;
    const leader = nodes[0];
    const keys = [...new Set(nodes.flatMap(n => n.status === 200 ? Object.keys(n.body.data) : []))].sort();
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Key'), nodes.map(n => el('th', { scope: 'col' },
      n.resource, el('div', { class: 'muted small' }, n.status === 200 ? `applied ${n.body.appliedIndex}` : 'unreachable'))));
    const rows = keys.slice(0, 200).map(k => {
      const reference = leader.status === 200 ? leader.body.data[k] : undefined;
      return el('tr', {}, el('td', { class: 'name' }, k), nodes.map(n => {
        const item = n.status === 200 ? n.body.data[k] : undefined;
        const differs = n !== leader && (item?.version !== reference?.version);
        return el('td', { class: differs ? 'differs' : '' },
          item ? [el('span', { class: 'value' }, show(item.value)), el('span', { class: 'muted small' }, ` @ ${item.version}`)] : el('span', { class: 'muted' }, '—'));
      }));
    });
    const table = el('table', { class: 'grid' }, el('thead', {}, head), el('tbody', {}, rows));
    replicas.replaceChildren(...[keys.length ? table : el('p', { class: 'muted' }, 'No keys yet: write one above.'),
      keys.length > 200 ? el('p', { class: 'muted' }, `Showing 200 of ${keys.length} keys.`) : null].filter(Boolean));
  }

  poll(refreshReplicas, 2000);
}
