import { expect } from 'chai';
import type { UpdatePolicy } from '../../../src/api/v1alpha1/index.js';
import { policyController } from '../../../src/controllers/policy/index.js';
import { policy } from '../../support/builders/index.js';
import { POLICIES } from '../../support/controllers/harness.js';
import { condition, useController } from '../../support/controllers/scenario.js';

const ready = (p: UpdatePolicy) => condition(p, 'Ready');

describe('UpdatePolicy controller against the embedded control plane', () => {
  const { fx, h } = useController(policyController, '2026-12-01T09:00:00Z');

  before(async () => {
    await h.createNamespace('upol');
  });

  it('should report a policy with an unknown defaultTimeZone not Ready, naming the zone, until it is fixed', async () => {
    await h.create(POLICIES, policy({ defaultTimeZone: 'Mars/Olympus_Mons' }, { namespace: 'upol' }));
    const bad = await h.until<UpdatePolicy>(POLICIES, 'default', 'upol', (p) => !!ready(p), 'Ready written');
    expect(ready(bad)).to.include({ status: 'False', reason: 'InvalidPolicy', observedGeneration: 1 });
    expect(ready(bad)?.message).to.match(
      /defaultTimeZone "Mars\/Olympus_Mons" is not a known IANA time zone/,
    );
    expect(bad.status?.observedGeneration).to.equal(1);
    const warning = (await h.events('upol', 'default', 'InvalidPolicy')).find(
      (e) => e.reason === 'InvalidPolicy',
    );
    expect(warning?.type).to.equal('Warning');
    expect(warning?.message).to.match(/Mars\/Olympus_Mons/);

    const shown = await fx.clients.kubectlOk([
      'get',
      'upol',
      'default',
      '-n',
      'upol',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(shown).to.equal('False');

    await h.patch(POLICIES, 'default', 'upol', { spec: { defaultTimeZone: 'Europe/Berlin' } });
    const fixed = await h.until<UpdatePolicy>(
      POLICIES,
      'default',
      'upol',
      (p) => ready(p)?.status === 'True',
      'Ready True',
    );
    expect(ready(fixed)).to.include({ reason: 'Valid', observedGeneration: 2 });
    expect(fixed.status?.observedGeneration).to.equal(2);
    expect((await h.events('upol', 'default', 'Valid')).find((e) => e.reason === 'Valid')?.type).to.equal(
      'Normal',
    );
    await fx.clients.kubectlOk([
      'wait',
      '--for=condition=Ready',
      'upol/default',
      '-n',
      'upol',
      '--timeout=10s',
    ]);
  });

  it('should say that remote updates are not available for a GCC-High policy', async () => {
    await h.create(POLICIES, policy({ cloud: 'GCCHigh' }, { name: 'gcch', namespace: 'upol' }));
    const gcch = await h.until<UpdatePolicy>(POLICIES, 'gcch', 'upol', (p) => !!ready(p), 'Ready written');
    expect(ready(gcch)).to.include({ status: 'True' });
    expect(condition(gcch, 'RemoteUpdateAvailable')).to.include({
      status: 'False',
      reason: 'RemoteUpdateUnavailable',
    });
  });
});
