// MQTT clients of the broker tests: each test's clients are ended after it (endAll), and what a client
// receives is kept by topic for assertions.

import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface TestClient {
  client: MqttClient;
  /** Payloads received, by topic, in arrival order. */
  received: Map<string, string[]>;
  count(): number;
}

export class Clients {
  private readonly open: MqttClient[] = [];

  /** A connected client (rejects with the broker's refusal). No reconnects, so a refused one stays refused. */
  async connect(url: string, options: IClientOptions = {}): Promise<TestClient> {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    this.open.push(client);
    const received = new Map<string, string[]>();
    let total = 0;
    client.on('message', (topic, payload) => {
      total++;
      const list = received.get(topic) ?? [];
      list.push(payload.toString());
      received.set(topic, list);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed before CONNACK')));
    });
    return { client, received, count: () => total };
  }

  async endAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((c) => c.endAsync(true)));
  }
}

/**
 * The QoS the broker granted for each filter (128: refused). mqtt.js rejects a SUBACK with any refusal; its
 * error carries the packet, which is what a test asserts on.
 */
export async function subscribe(client: MqttClient, filters: string | string[]): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    return granted.map((g) => g.qos);
  } catch (err) {
    const packet = (err as { packet?: { cmd?: string; granted?: Array<number | { qos: number }> } }).packet;
    if (packet?.cmd !== 'suback' || !packet.granted) throw err;
    return packet.granted.map((g) => (typeof g === 'number' ? g : g.qos));
  }
}
