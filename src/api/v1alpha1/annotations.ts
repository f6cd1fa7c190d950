// The annotations and labels a user sets or sees on the objects, in one place: the controllers, the
// simulator and preview read the same keys.

/**
 * Annotations a simulated device starts from: the versions it runs and whether it supports automatic
 * updates, until it reports its own.
 */
export const SIM_ANNOTATIONS = {
  firmwareVersion: 'sim.teamsdevices.io/firmware-version',
  teamsAppVersion: 'sim.teamsdevices.io/teams-app-version',
  autoUpdateSupported: 'sim.teamsdevices.io/auto-update-supported',
} as const;

/**
 * On a TeamsDevice served by a pool with driver http: the base URL of the device's agent (the REST contract of
 * docs/device-agent.openapi.yaml), overriding the pool's spec.http.endpointTemplate.
 */
export const HTTP_ENDPOINT_ANNOTATION = 'http.teamsdevices.io/endpoint';

/**
 * On a FirmwareRelease, `"<RFC 3339 instant>"`: failures finished before it no longer count, which lifts a
 * halt declaratively.
 */
export const RESUME_ANNOTATION = 'teamsdevices.io/rollout-resumed-at';

/** On the Deployment and ConfigMap a DeviceProxyPool owns: the pool's name, to map them back to it. */
export const POOL_LABEL = 'teamsdevices.io/pool';

/** On the proxy pods' template: a hash of the simulated devices, so a change of them rolls the pods. */
export const SIMULATOR_HASH_ANNOTATION = 'teamsdevices.io/simulator-hash';
