// The embedded control plane alone in a process, so the benchmark can measure its CPU and memory apart
// from the clients. Started by bench/localcluster.ts; talks over the IPC channel.

import { startLocalCluster } from '@teams-device-operator/localcluster';
import pino from 'pino';

interface Request {
  type: 'usage' | 'stop';
}

const [dataDir, tls] = process.argv.slice(2);
const cluster = await startLocalCluster({
  port: 0,
  listen: '127.0.0.1',
  ...(dataDir ? { dataDir } : {}),
  ...(tls ? { tls: tls === 'tls' } : {}),
  logger: pino({ level: 'warn' }),
});
const send = (message: unknown) => process.send?.(message);

send({ type: 'ready', url: cluster.url, kubeconfig: cluster.kubeconfig() });
process.on('message', (request: Request) => {
  if (request.type === 'usage') {
    const usage = process.resourceUsage();
    send({
      type: 'usage',
      maxRssBytes: usage.maxRSS * 1024, // maxRSS is in kilobytes
      rssBytes: process.memoryUsage().rss,
      cpuMicros: usage.userCPUTime + usage.systemCPUTime,
    });
  } else if (request.type === 'stop') {
    void cluster.stop().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
