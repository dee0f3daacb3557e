import { api, el, poll, formatTime } from './api.js';

export async function render(main, { segments }) {
  const list = await api('/api/resources');
  const names = list.ok ? list.body.map(r => r.name) : [];
  const selected = segments[0] && names.includes(segments[0]) ? segments[0] : names[0];

  const picker = el('select', { id: 'resource-picker', 'aria-label': 'Resource' },
    names.map(n => el('option', { value: n, selected: n === selected }, n)));
  picker.addEventListener('change', () => { location.href = `/consolelogs/${encodeURIComponent(picker.value)}`; });
  const follow = el('input', { type: 'checkbox', id: 'follow', checked: true });
  const download = el('a', { class: 'button', href: `/api/resources/${encodeURIComponent(selected)}/logs/download`, download: '' }, 'Download');
  const view = el('div', { class: 'console', id: 'console', role: 'log', 'aria-live': 'off' });
  const stateBadge = el('span', { class: 'badge' });

  main.replaceChildren(
    el('div', { class: 'page-header' },
      el('h1', {}, 'Console logs'),
      el('p', { class: 'subtitle' }, 'Standard output and error of each resource, as it writes them.')),
    el('div', { class: 'toolbar' },
      el('label', { for: 'resource-picker' }, 'Resource'), picker, stateBadge,
      el('span', { class: 'spacer' }),
      el('label', { class: 'check' }, follow, 'Follow'),
      download),
    view);

  if (!selected) {
    view.textContent = 'No resources.';
    return;
  }

  let last = 0;
  poll(async () => {
    const [logs, resource] = await Promise.all([
      api(`/api/resources/${encodeURIComponent(selected)}/logs?after=${last}`),
      api(`/api/resources/${encodeURIComponent(selected)}`),
    ]);
    if (resource.ok) {
      stateBadge.className = `badge state-${resource.body.state.toLowerCase()}`;
      stateBadge.textContent = resource.body.state;
    }
    if (!logs.ok) return;
    if (logs.body.skipped > 0 && last > 0) view.append(el('div', { class: 'line system' }, `… ${logs.body.skipped} lines dropped from the buffer …`));
    for (const line of logs.body.lines) {
      view.append(el('div', { class: `line ${line.source.toLowerCase()}` },
        el('span', { class: 'time' }, formatTime(line.time)), el('span', { class: 'text' }, line.text)));
    }
    last = logs.body.last;
    if (logs.body.lines.length && follow.checked) view.scrollTop = view.scrollHeight;
  }, 1000);
}
