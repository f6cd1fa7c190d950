import { expect } from 'chai';
import { commandId } from '../../../src/core/device/command-id.js';
import { parseCommand } from '../../../src/transport/protocol.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('commandId', () => {
  it('should give the same id for the same device, component, version and attempt', () => {
    const a = commandId('rm-berlin-101-phone', 'Firmware', '122.15.0.40', 1);
    const b = commandId('rm-berlin-101-phone', 'Firmware', '122.15.0.40', 1);
    expect(a).to.equal(b);
  });

  it('should pin the id of a known input, so an operator upgrade resends the same command', () => {
    expect(commandId('rm-berlin-101-phone', 'Firmware', '122.15.0.40', 1)).to.equal(
      'b2741056-e652-8257-8bbf-7941c25baa21',
    );
  });

  const base = ['rm-berlin-101-phone', 'Firmware', '122.15.0.40', 1] as const;
  const variants: Array<[string, Parameters<typeof commandId>]> = [
    ['should give a new id for a new attempt', ['rm-berlin-101-phone', 'Firmware', '122.15.0.40', 2]],
    ['should give a different id for another device', ['rm-berlin-102-phone', 'Firmware', '122.15.0.40', 1]],
    [
      'should give a different id for another component',
      ['rm-berlin-101-phone', 'TeamsApp', '122.15.0.40', 1],
    ],
    ['should give a different id for another version', ['rm-berlin-101-phone', 'Firmware', '122.15.0.41', 1]],
    [
      'should not confuse inputs that only differ in where a separator falls',
      ['rm-berlin-101-phone-', 'Firmware', '22.15.0.40', 1],
    ],
  ];
  for (const [name, args] of variants) {
    it(name, () => {
      expect(commandId(...args)).to.not.equal(commandId(...base));
    });
  }

  it('should give distinct ids to every attempt of many devices', () => {
    const ids = new Set<string>();
    for (let d = 0; d < 200; d++) {
      for (let attempt = 1; attempt <= 5; attempt++)
        ids.add(commandId(`dev-${d}`, 'Firmware', '1.0', attempt));
    }
    expect(ids.size).to.equal(1000);
  });

  it('should be shaped as a UUID (version 8) that the protocol accepts as a commandId', () => {
    const id = commandId('rm-berlin-101-phone', 'TeamsApp', '1449/1.0.94.2023071702', 3);
    expect(id).to.match(UUID);
    const parsed = parseCommand(
      JSON.stringify({
        commandId: id,
        type: 'update',
        component: 'TeamsApp',
        version: '1449/1.0.94.2023071702',
        artifact: { url: 'https://x.example/a.apk', sha256: 'a'.repeat(64), sizeBytes: 1 },
        issuedAt: '2026-12-05T17:00:00Z',
        notAfter: '2026-12-05T18:00:00Z',
      }),
    );
    expect(parsed.ok).to.equal(true);
  });

  for (const attempt of [0, -1, 1.5, Number.NaN]) {
    it(`should refuse attempt ${attempt} (attempts start at 1)`, () => {
      expect(() => commandId('d', 'Firmware', '1.0', attempt)).to.throw(RangeError);
    });
  }
});
