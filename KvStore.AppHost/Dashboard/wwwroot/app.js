import { api } from './api.js';

// Every page is served the same shell; the path says which page to draw.
const pages = {
  resources: () => import('./resources.js'),
  consolelogs: () => import('./logs.js'),
  explorer: () => import('./explorer.js'),
  traces: () => import('./traces.js'),
  structuredlogs: () => import('./structuredlogs.js'),
  metrics: () => import('./metrics.js'),
};

const segments = location.pathname.split('/').filter(Boolean);
const page = segments.length === 0 ? 'resources' : segments[0];
document.querySelectorAll('.sidenav a').forEach(a => a.classList.toggle('active', a.dataset.page === page));

const main = document.getElementById('main');
const load = pages[page];
if (load) {
  const module = await load();
  module.render(main, { page, segments: segments.slice(1).map(decodeURIComponent) });
} else {
  main.textContent = 'No such page.';
}

const info = await api('/api/info');
if (info.ok) {
  document.getElementById('run-info').textContent = 'run ' + info.body.runId;
  document.getElementById('run-info').title = 'State folder: ' + info.body.stateDirectory;
}
