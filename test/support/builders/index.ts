// One builder per kind of the teamsdevices.io API, each defaulted through its CRD schema.
export { API, defaulted } from './defaults.js';
export { pool } from './deviceproxypool.js';
export { type ReleaseOptions, release, SHA } from './firmwarerelease.js';
export { type DeviceOptions, device, reported } from './teamsdevice.js';
export { plan } from './updateplan.js';
export { type PolicyMeta, policy } from './updatepolicy.js';
