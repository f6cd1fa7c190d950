// Which proxy of a pool serves a device: rendezvous (highest random weight) hashing over the pool's online
// proxies. Every proxy and the operator compute it alike from the presence topics they all see, so a pool
// with several replicas splits its devices without a coordinator, and when one proxy goes away only its
// devices move (to the proxy that ranks next for each of them).

import { hash } from 'node:crypto';

/** The weight of `pod` for `deviceId`: the first 48 bits of sha256(pod, deviceId). */
function weight(pod: string, deviceId: string): number {
  return hash('sha256', `${pod}\u0000${deviceId}`, 'buffer').readUIntBE(0, 6);
}

/** The pod (of `pods`, the pool's online proxies) that serves `deviceId`; undefined when there is none. */
export function proxyFor(deviceId: string, pods: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const pod of pods) {
    const w = weight(pod, deviceId);
    // Ties (48 bits: practically never) go to the smaller name, so every computer picks the same pod.
    if (w > bestWeight || (w === bestWeight && best !== undefined && pod < best)) {
      best = pod;
      bestWeight = w;
    }
  }
  return best;
}
