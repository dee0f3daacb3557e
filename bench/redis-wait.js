// SET then WAIT <quorum> from <clients> concurrent connections to the Redis primary on 127.0.0.1:7000; prints
// throughput and latency (of the pair, as a KvStore quorum write is measured) as one JSON line.
// Usage: node redis-wait.js <quorum> <clients> <total-ops> <keys>
const Redis = require('ioredis');
const [quorum, clients, total, keys] = process.argv.slice(2).map(Number);

async function main() {
  const connections = Array.from({ length: clients }, () => new Redis({ host: '127.0.0.1', port: 7000 }));
  await Promise.all(connections.map(c => c.ping()));
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(connections.map(async c => {
    for (let i = next++; i < total; i = next++) {
      const t = process.hrtime.bigint();
      await c.set(`k${i % keys}`, `v${i}`);
      const acknowledged = await c.wait(quorum, 5000);
      if (acknowledged < quorum) throw new Error(`WAIT ${quorum} answered ${acknowledged}`);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = q => +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
  const mean = +(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(3);
  console.log(JSON.stringify({ system: 'redis', quorum, clients, ops: latencies.length,
    opsPerSec: Math.round(latencies.length / seconds), p50Ms: at(0.5), p99Ms: at(0.99), meanMs: mean }));
  connections.forEach(c => c.disconnect());
}

main().catch(e => { console.error(e.message); process.exit(1); });
