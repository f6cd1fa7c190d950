// The watching informers of bench/localcluster.ts in a process of their own, so that their JSON parsing
// does not share the writer's event loop. Talks over the IPC channel:
//   in:  {type:'start', kubeconfig, informers, target} | {type:'stop'}
//   out: {type:'started', cpuMicros} once every informer has listed, {type:'synced', syncedAt: [wall ms...],
//        cpuMicros} once each holds `target` objects, {type:'seen', seen: [...]} on request ({type:'seen'}).
import { KubeConfig } from '@kubernetes/client-node';
import { startCountingInformer } from './informers.js';

interface Request {
  type: 'start' | 'stop' | 'seen';
  kubeconfig?: string;
  informers?: number;
  target?: number;
}

const send = (message: unknown) => process.send?.(message);
const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
let informers: ReturnType<typeof startCountingInformer>[] = [];

process.on('message', (request: Request) => {
  if (request.type === 'start') {
    const kc = new KubeConfig();
    kc.loadFromString(request.kubeconfig ?? '');
    informers = Array.from({ length: request.informers ?? 0 }, () =>
      startCountingInformer(kc, request.target ?? 0),
    );
    void Promise.all(informers.map((i) => i.informer.start())).then(async () => {
      send({ type: 'started', cpuMicros: cpuMicros() });
      await Promise.all(informers.map((i) => i.synced));
      send({ type: 'synced', syncedAt: informers.map((i) => i.syncedAt()), cpuMicros: cpuMicros() });
    });
  } else if (request.type === 'seen') {
    send({ type: 'seen', seen: informers.map((i) => i.seen()) });
  } else if (request.type === 'stop') {
    void Promise.all(informers.map((i) => i.informer.stop())).then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
