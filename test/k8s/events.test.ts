import { expect } from 'chai';
import type { KubeClient } from '../../src/k8s/client.js';
import { EventRecorder } from '../../src/k8s/events.js';
import type { KubeList, KubeObject } from '../../src/k8s/object.js';
import { EVENTS, resourcePath, TEAMS_RESOURCES } from '../../src/k8s/resource.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { device as teamsDevice } from '../support/builders/index.js';
import { useRuntimeCluster } from '../support/cluster.js';

interface CoreEvent extends KubeObject {
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
}

describe('EventRecorder against the embedded control plane', () => {
  const fx = useRuntimeCluster();
  let client: KubeClient;
  let clock: FakeClock;
  let recorder: EventRecorder;
  let device: KubeObject;

  const eventsIn = async (namespace: string) =>
    (await client.list<CoreEvent>(resourcePath(EVENTS, { namespace }))).items.sort((a, b) =>
      a.message.localeCompare(b.message),
    );

  before(async () => {
    client = fx.client();
    await fx.createNamespace('events');
    device = await client.create(
      resourcePath(TEAMS_RESOURCES.TeamsDevice!, { namespace: 'events' }),
      teamsDevice({ name: 'phone-1', namespace: 'events', withStatus: false }) as never,
    );
    clock = new FakeClock('2026-12-01T10:00:00Z');
    recorder = new EventRecorder({ client, component: 'teams-device-operator', instance: 'pod-1', clock });
  });

  it('should create an Event about the object, then count repeats on that Event instead of adding more', async () => {
    await recorder.record(device, 'Normal', 'UpdateSent', 'firmware 122.15.0.40 sent');
    await clock.advance(60_000);
    await Promise.all([
      recorder.record(device, 'Normal', 'UpdateSent', 'firmware 122.15.0.40 sent'),
      recorder.record(device, 'Normal', 'UpdateSent', 'firmware 122.15.0.40 sent'),
    ]);
    const events = await eventsIn('events');
    expect(events).to.have.length(1);
    const [event] = events;
    expect(event).to.deep.include({
      reason: 'UpdateSent',
      message: 'firmware 122.15.0.40 sent',
      type: 'Normal',
      count: 3,
      firstTimestamp: '2026-12-01T10:00:00Z',
      lastTimestamp: '2026-12-01T10:01:00Z',
      source: { component: 'teams-device-operator', host: 'pod-1' },
    });
    expect(event?.involvedObject).to.include({
      kind: 'TeamsDevice',
      name: 'phone-1',
      namespace: 'events',
      uid: device.metadata?.uid,
    });
  });

  it('should record a different message or type as a separate Event', async () => {
    await recorder.record(device, 'Warning', 'UpdateFailed', 'checksum mismatch');
    const events = await eventsIn('events');
    expect(events.map((e) => `${e.type} ${e.reason} ${e.count}`)).to.deep.equal([
      'Warning UpdateFailed 1',
      'Normal UpdateSent 3',
    ]);
  });

  it('should put Events about cluster-scoped objects in the default namespace', async () => {
    const release = {
      apiVersion: 'teamsdevices.io/v1alpha1',
      kind: 'FirmwareRelease',
      metadata: { name: 'mp56-1', uid: 'u-1' },
    };
    await recorder.record(release, 'Normal', 'Paused', 'release paused');
    const events = await eventsIn('default');
    expect(events.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`)).to.deep.equal([
      'FirmwareRelease/mp56-1 Paused',
    ]);
  });

  it('should create the Event again when the one it counted on is gone', async () => {
    const [event] = (await eventsIn('events')).filter((e) => e.reason === 'UpdateFailed');
    await client.delete(resourcePath(EVENTS, { namespace: 'events', name: event?.metadata?.name ?? '' }));
    await recorder.record(device, 'Warning', 'UpdateFailed', 'checksum mismatch');
    const again = (await eventsIn('events')).filter((e) => e.reason === 'UpdateFailed');
    expect(again.map((e) => e.count)).to.deep.equal([1]);
    expect(again[0]?.metadata?.name).to.not.equal(event?.metadata?.name);
  });

  it('should never throw, even when the API server refuses the Event', async () => {
    const orphan = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'no-such-namespace' },
    };
    await recorder.record(orphan, 'Normal', 'Test', 'goes nowhere');
    const list: KubeList<CoreEvent> = await client.list(
      resourcePath(EVENTS, { namespace: 'no-such-namespace' }),
    );
    expect(list.items).to.deep.equal([]);
  });
});
