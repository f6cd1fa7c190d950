import { expect } from 'chai';
import { buildCatalog } from '../../../src/core/rules/catalog.js';
import { initialVersionsFor } from '../../../src/transport/simulator/initial-versions.js';
import { device, release } from '../../support/builders/index.js';

const releases = [
  release({ version: '122.15.0.40' }),
  release({ version: '122.15.0.20', verification: 'Unknown' }),
  release({ version: '122.15.0.30' }),
  release({ version: '122.15.0.10', models: ['T54W'] }),
  release({ component: 'TeamsApp', version: '1452/1.0.94.2023080101', deviceTypes: ['Phone'] }),
  release({ component: 'TeamsApp', version: '1449/1.0.94.2023071702', deviceTypes: ['Phone'] }),
  release({ component: 'TeamsApp', version: '1400/1.0.90.2023010101', deviceTypes: ['Display'] }),
];

describe('initialVersionsFor', () => {
  it('should start a device from its simulator annotations', () => {
    const d = device({ viaAnnotations: true, firmware: '122.15.0.36', teamsApp: '1449/1.0.94.2023071702' });
    d.metadata.annotations = {
      ...d.metadata.annotations,
      'sim.teamsdevices.io/auto-update-supported': 'false',
    };
    expect(initialVersionsFor(d, releases)).to.deep.equal({
      manufacturer: 'Yealink',
      model: 'MP56',
      firmwareVersion: '122.15.0.36',
      teamsAppVersion: '1449/1.0.94.2023071702',
      autoUpdateSupported: false,
      online: true,
    });
  });

  it('should start a device without annotations from the oldest applicable Verified releases', () => {
    const d = device({ viaAnnotations: true, firmware: null, teamsApp: null });
    expect(initialVersionsFor(d, releases)).to.include({
      firmwareVersion: '122.15.0.30',
      teamsAppVersion: '1449/1.0.94.2023071702',
      autoUpdateSupported: true,
    });
  });

  it('should take a missing annotation from the releases and keep the other', () => {
    const d = device({ viaAnnotations: true, firmware: '122.15.0.40', teamsApp: null });
    expect(initialVersionsFor(d, buildCatalog(releases))).to.include({
      firmwareVersion: '122.15.0.40',
      teamsAppVersion: '1449/1.0.94.2023071702',
    });
  });

  it('should carry on from what the device last reported when it has no annotations', () => {
    const d = device({
      firmware: '122.15.0.40',
      teamsApp: '1452/1.0.94.2023080101',
      autoUpdateSupported: false,
    });
    expect(initialVersionsFor(d, releases)).to.include({
      firmwareVersion: '122.15.0.40',
      teamsAppVersion: '1452/1.0.94.2023080101',
      autoUpdateSupported: false,
    });
  });

  it('should report no version when no Verified release applies', () => {
    const d = device({
      viaAnnotations: true,
      firmware: null,
      teamsApp: null,
      manufacturer: 'Poly',
      model: 'CCX600',
    });
    expect(initialVersionsFor(d, releases)).to.include({
      firmwareVersion: null,
      teamsAppVersion: '1449/1.0.94.2023071702',
    });
    expect(initialVersionsFor(d, [])).to.include({ firmwareVersion: null, teamsAppVersion: null });
  });
});
