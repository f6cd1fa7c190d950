import { HTTP_ENDPOINT_ANNOTATION } from './annotations.js';
import { AGE_COLUMN, type KindDefinition } from './kind.js';
import {
  bool,
  conditions,
  integer,
  type ObjectMeta,
  observedGeneration,
  type Static,
  stringEnum,
  Type,
  text,
} from './schema-kit.js';

export const DRIVERS = ['simulator', 'http'] as const;
export type Driver = (typeof DRIVERS)[number];

export const DeviceProxyPoolSpec = Type.Object(
  {
    replicas: integer('Number of device proxy pods.', { minimum: 0, maximum: 100, default: 1 }),
    driver: stringEnum(
      DRIVERS,
      'How proxies reach devices: simulator (built-in simulated devices) or http.',
      {
        default: 'simulator',
      },
    ),
    image: text("Container image of the proxy. Empty: the operator's own image.", { default: '' }),
    mqtt: Type.Object(
      {
        url: text('MQTT broker the proxies connect to.', {
          pattern: '^mqtts?://\\S+$',
          default: 'mqtt://tdo-mqtt:1883',
        }),
        credentialsSecret: text('Secret with username and password for the broker.', {
          default: 'tdo-mqtt-proxy',
        }),
      },
      { description: 'How proxies reach the MQTT broker.', default: {} },
    ),
    simulator: Type.Object(
      {
        downloadSeconds: integer('Seconds a simulated download takes.', { minimum: 0, default: 60 }),
        installSeconds: integer('Seconds a simulated install takes.', { minimum: 0, default: 120 }),
        failurePercent: integer('Percent of simulated installs that fail.', {
          minimum: 0,
          maximum: 100,
          default: 0,
        }),
        offlinePercent: integer(
          'Percent of simulated devices that are disconnected (which ones is stable per device id).',
          { minimum: 0, maximum: 100, default: 0 },
        ),
        fetchArtifacts: bool(
          'Whether the proxies fetch each artifact and check its size and sha256 before the simulated ' +
            'install. false: for catalogs whose URLs point nowhere (such as the examples); nothing is checked, ' +
            'and the pool says so in its ArtifactsChecked condition.',
          { default: true },
        ),
      },
      { description: 'Behaviour of simulated devices (driver simulator).', default: {} },
    ),
    http: Type.Object(
      {
        endpointTemplate: text(
          'Base URL of the device agent of each device (driver http), with {deviceId} where its device id ' +
            `goes, e.g. https://{deviceId}.devices.example.com:8443. A device's ${HTTP_ENDPOINT_ANNOTATION} ` +
            'annotation overrides it. Empty: every device needs the annotation.',
          { default: '', pattern: '^$|^https?://\\S+$' },
        ),
      },
      { description: 'How proxies reach device agents (driver http).', default: {} },
    ),
  },
  { description: 'A group of device proxies run as pods, and how they reach devices.' },
);

export const DeviceProxyPoolStatus = Type.Object(
  {
    observedGeneration: Type.Optional(observedGeneration()),
    readyReplicas: Type.Optional(integer('Proxy pods ready.', { minimum: 0 })),
    devices: Type.Optional(integer('TeamsDevices served by this pool.', { minimum: 0 })),
    conditions: Type.Optional(conditions()),
  },
  { description: 'State of the pool. Written only by the operator.' },
);

export type DeviceProxyPoolSpec = Static<typeof DeviceProxyPoolSpec>;
export type DeviceProxyPoolStatus = Static<typeof DeviceProxyPoolStatus>;

export interface DeviceProxyPool {
  apiVersion: 'teamsdevices.io/v1alpha1';
  kind: 'DeviceProxyPool';
  metadata: ObjectMeta;
  spec: DeviceProxyPoolSpec;
  status?: DeviceProxyPoolStatus;
}

export const DeviceProxyPoolKind: KindDefinition = {
  kind: 'DeviceProxyPool',
  plural: 'deviceproxypools',
  singular: 'deviceproxypool',
  shortNames: ['tpool'],
  scope: 'Namespaced',
  description: 'A group of device proxies run as pods (a Deployment), and how they reach devices.',
  spec: DeviceProxyPoolSpec,
  status: DeviceProxyPoolStatus,
  printerColumns: [
    { name: 'Driver', type: 'string', jsonPath: '.spec.driver', description: 'simulator or http.' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Proxy pods ready.' },
    { name: 'Devices', type: 'integer', jsonPath: '.status.devices', description: 'Devices served.' },
    AGE_COLUMN,
  ],
};
