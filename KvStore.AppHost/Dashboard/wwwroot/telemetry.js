import { api, el } from './api.js';

// Places kept for the telemetry work: the OTLP receiver, traces and metrics views.
export async function render(main, { page }) {
  const title = page === 'traces' ? 'Traces' : 'Metrics';
  const what = page === 'traces'
    ? 'Each write as one trace: the leader\'s span and one replication span per follower, with the quorum point marked.'
    : 'Replication latency per follower (p50, p90, p99 over time) and replication lag.';
  const info = await api('/api/info');
  main.replaceChildren(
    el('div', { class: 'page-header' }, el('h1', {}, title)),
    el('div', { class: 'card placeholder' },
      el('h2', {}, `${title} come with telemetry`),
      el('p', {}, what),
      el('p', {}, 'The resources already export OpenTelemetry data to ',
        el('code', {}, info.ok ? info.body.otlpGrpcUrl : 'the dashboard\'s OTLP endpoint'),
        '; the dashboard\'s OTLP receiver and this page arrive with the telemetry issue.')));
}
