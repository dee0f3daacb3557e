// The Redis side of KvStore's benchmarks, from <clients> concurrent connections; prints throughput and latency as one
// JSON line. Writes: SET then WAIT <quorum> on the primary (127.0.0.1:7000), measured as the pair, as a KvStore quorum
// write is. Reads (quorum "read"): GET on the five replicas (7001-7005), each connection on one of them in turn, after
// every key was written once and reached all five.
// Usage: node redis-wait.js <quorum|read> <clients> <total-ops> <keys>
const Redis = require('ioredis');
const mode = process.argv[2];
const [clients, total, keys] = process.argv.slice(3).map(Number);
const reads = mode === 'read';
const quorum = reads ? 0 : Number(mode);

async function main() {
  const connections = Array.from({ length: clients }, (_, i) => new Redis({ host: '127.0.0.1', port: reads ? 7001 + (i % 5) : 7000 }));
  await Promise.all(connections.map(c => c.ping()));
  if (reads) {
    const primary = new Redis({ host: '127.0.0.1', port: 7000 });
    for (let k = 0; k < keys; k++) await primary.set(`k${k}`, `v${k}`);
    if (await primary.wait(5, 10000) < 5) throw new Error('the replicas did not get the keys');
    primary.disconnect();
  }
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(connections.map(async c => {
    for (let i = next++; i < total; i = next++) {
      const t = process.hrtime.bigint();
      if (reads) {
        if (await c.get(`k${i % keys}`) === null) throw new Error(`k${i % keys} missing on a replica`);
      } else {
        await c.set(`k${i % keys}`, `v${i}`);
        const acknowledged = await c.wait(quorum, 5000);
        if (acknowledged < quorum) throw new Error(`WAIT ${quorum} answered ${acknowledged}`);
      }
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = q => +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
  const mean = +(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(3);
  console.log(JSON.stringify({ system: 'redis', mode: reads ? 'read' : 'write', quorum, clients, ops: latencies.length,
    opsPerSec: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99), meanMs: mean }));
  connections.forEach(c => c.disconnect());
}

main().catch(e => { console.error(e.message); process.exit(1); });
