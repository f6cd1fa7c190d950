// What the operator knows of each device proxy's presence (retained on the broker, delivered by the
// transport's onPresence) and which devices each proxy serves (the proxy their latest state names), so a
// proxy's presence change wakes exactly its devices. In memory: presence is retained, so it comes back on
// subscribe.
import type { ProxyObservation } from '../../core/device/decide.js';
import type { ProxyPresence } from '../../transport/types.js';

interface Known {
  online: boolean;
  /** When this process first heard the proxy in its current state (a last will's ts is its connect time). */
  since: Date;
}

export class PresenceStore {
  private readonly proxies = new Map<string, Known>();
  private readonly devicesByProxy = new Map<string, Set<string>>();
  private readonly proxyByDevice = new Map<string, string>();

  /**
   * Records a presence (null: cleared, the proxy is gone for good) heard at `now`. Returns whether what the
   * devices of that proxy are judged by changed (online flipped, or the presence appeared or went away).
   */
  setPresence(proxy: string, presence: ProxyPresence | null, now: Date): boolean {
    const previous = this.proxies.get(proxy);
    if (presence === null) return this.proxies.delete(proxy);
    if (previous?.online === presence.online) return false;
    this.proxies.set(proxy, { online: presence.online, since: now });
    return true;
  }

  /** The presence of `proxy`, when known. */
  presence(proxy: string | undefined): ProxyObservation | undefined {
    if (proxy === undefined) return undefined;
    const known = this.proxies.get(proxy);
    return known ? { name: proxy, online: known.online, since: known.since } : undefined;
  }

  /** The proxy a device's latest state names (undefined: none). */
  setDeviceProxy(deviceId: string, proxy: string | undefined): void {
    const previous = this.proxyByDevice.get(deviceId);
    if (previous === proxy) return;
    if (previous !== undefined) {
      const set = this.devicesByProxy.get(previous);
      set?.delete(deviceId);
      if (set?.size === 0) this.devicesByProxy.delete(previous);
    }
    if (proxy === undefined) {
      this.proxyByDevice.delete(deviceId);
      return;
    }
    this.proxyByDevice.set(deviceId, proxy);
    let set = this.devicesByProxy.get(proxy);
    if (!set) {
      set = new Set();
      this.devicesByProxy.set(proxy, set);
    }
    set.add(deviceId);
  }

  /** The device ids whose latest state names `proxy`. */
  devicesOf(proxy: string): ReadonlySet<string> {
    return this.devicesByProxy.get(proxy) ?? new Set();
  }
}
