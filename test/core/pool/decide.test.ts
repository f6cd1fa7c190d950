import { expect } from 'chai';
import { artifactsChecked, decidePoolStatus } from '../../../src/core/pool/decide.js';
import { pool } from '../../support/builders/index.js';

const NOW = new Date('2026-12-01T09:00:00Z');

describe('DeviceProxyPool ArtifactsChecked', () => {
  const cases = [
    {
      name: 'should say artifacts are checked for a simulator pool that fetches them (the default)',
      spec: {},
      status: 'True',
      reason: 'ArtifactsFetched',
    },
    {
      name: 'should say artifacts are not checked for a simulator pool with fetchArtifacts false',
      spec: {
        simulator: {
          downloadSeconds: 0,
          installSeconds: 0,
          failurePercent: 0,
          offlinePercent: 0,
          fetchArtifacts: false,
        },
      },
      status: 'False',
      reason: 'FetchDisabled',
    },
    {
      name: 'should say artifacts are checked for an http pool whatever spec.simulator says',
      spec: {
        driver: 'http' as const,
        simulator: {
          downloadSeconds: 0,
          installSeconds: 0,
          failurePercent: 0,
          offlinePercent: 0,
          fetchArtifacts: false,
        },
      },
      status: 'True',
      reason: 'ArtifactsFetched',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(artifactsChecked(pool(c.spec))).to.include({
        type: 'ArtifactsChecked',
        status: c.status,
        reason: c.reason,
      });
    });
  }

  it('should keep Ready first and add ArtifactsChecked beside it in the pool status', () => {
    const decision = decidePoolStatus({
      pool: pool({ replicas: 1 }),
      devices: 3,
      readyReplicas: 1,
      problem: undefined,
      now: NOW,
    });
    expect(decision.status.conditions?.map((c) => `${c.type}=${c.status}`)).to.deep.equal([
      'Ready=True',
      'ArtifactsChecked=True',
    ]);
  });
});
