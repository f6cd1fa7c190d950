// What the MQTT transport tests share: a bare mqtt.js client in the role of a proxy, and the state of a
// device served by a named proxy.
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceStateMessage } from '../../../src/transport/protocol.js';
import { START } from '../support.js';

/** A device's state as a proxy publishes it; `proxy` names the proxy that serves it. */
export function deviceState(proxy?: string): DeviceStateMessage {
  return {
    online: true,
    manufacturer: 'Yealink',
    model: 'MP56',
    firmwareVersion: '122.15.0.36',
    teamsAppVersion: '1449/1.0.94.2023071702',
    autoUpdateSupported: true,
    ts: START,
    ...(proxy === undefined ? {} : { proxy }),
  };
}

/** A plain mqtt.js client, connected (MQTT 3.1.1, no automatic reconnection); `open` collects it for the after hook. */
export async function bareClient(
  url: string,
  clientId: string,
  open: Array<{ end(): Promise<unknown> }>,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    clientId,
    reconnectPeriod: 0,
    ...options,
  });
  open.push({ end: () => client.endAsync(true) });
  return client;
}
