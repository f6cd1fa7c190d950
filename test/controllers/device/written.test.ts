// WrittenObjects, the read-your-writes overlay of the TeamsDevice controller, step by step: what a reconcile
// reads (freshest) and which watch events are the echo of its own status write (isOwnWrite).
import { expect } from 'chai';
import type { TeamsDevice } from '../../../src/api/v1alpha1/index.js';
import { WrittenObjects } from '../../../src/controllers/device/written.js';
import { device as teamsDevice } from '../../support/builders/index.js';

const KEY = 'berlin/phone-1';

/** The device at resourceVersion `rv`, with an update in `state` (null: none). */
function device(rv: string | undefined, state: string | null = null, generation = 1): TeamsDevice {
  const built = teamsDevice({ withStatus: false });
  return {
    ...built,
    metadata: { ...built.metadata, generation, ...(rv === undefined ? {} : { resourceVersion: rv }) },
    ...(state === null ? {} : { status: { update: { state } } }),
  } as unknown as TeamsDevice;
}

const rvOf = (d: TeamsDevice | undefined) => d?.metadata.resourceVersion ?? null;

describe('WrittenObjects', () => {
  describe('freshest', () => {
    const cases: Array<[string, (w: WrittenObjects) => void, TeamsDevice | undefined, string | null]> = [
      ['should give the cached object when nothing was written', () => {}, device('5'), '5'],
      ['should give nothing for a device the cache does not hold', () => {}, undefined, null],
      [
        'should give what was written while the cache still holds the base of the write',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent')),
        device('5'),
        '6',
      ],
      [
        'should give the cache once it holds a newer version than the base',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent')),
        device('7', 'Downloading'),
        '7',
      ],
      [
        'should give nothing once the device is gone from the cache',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent')),
        undefined,
        null,
      ],
      [
        'should give the last of two writes while the cache holds the base of the first',
        (w) => {
          w.remember(KEY, device('5'), device('6', 'Sent'));
          w.remember(KEY, device('6', 'Sent'), device('7', 'Downloading'));
        },
        device('5'),
        '7',
      ],
      [
        'should give the last of two writes while the cache holds the first',
        (w) => {
          w.remember(KEY, device('5'), device('6', 'Sent'));
          w.remember(KEY, device('6', 'Sent'), device('7', 'Downloading'));
        },
        device('6', 'Sent'),
        '7',
      ],
      [
        'should remember nothing when the watch event came before the answer of the write',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent'), device('6', 'Sent')),
        device('5'),
        '5',
      ],
      [
        'should remember nothing of a write over a base with no resourceVersion',
        (w) => w.remember(KEY, device(undefined), device('6', 'Sent')),
        device('5'),
        '5',
      ],
      [
        'should give the cache after the device is forgotten',
        (w) => {
          w.remember(KEY, device('5'), device('6', 'Sent'));
          w.forget(KEY);
        },
        device('5'),
        '5',
      ],
    ];
    for (const [name, steps, cached, expected] of cases) {
      it(name, () => {
        const written = new WrittenObjects();
        steps(written);
        expect(rvOf(written.freshest(KEY, cached))).to.equal(expected);
      });
    }

    it('should forget a write once the cache has moved past it', () => {
      const written = new WrittenObjects();
      written.remember(KEY, device('5'), device('6', 'Sent'));
      expect(rvOf(written.freshest(KEY, device('7')))).to.equal('7');
      // A late read of an older cached version no longer brings the write back.
      expect(rvOf(written.freshest(KEY, device('5')))).to.equal('5');
    });

    it('should keep the written object as the informer cache does: without managedFields', () => {
      const written = new WrittenObjects();
      const object = device('6', 'Sent');
      (object.metadata as { managedFields?: unknown[] }).managedFields = [{ manager: 'tdo' }];
      written.remember(KEY, device('5'), object);
      const freshest = written.freshest(KEY, device('5'));
      expect(freshest?.metadata).to.not.have.property('managedFields');
      expect(freshest?.status?.update?.state).to.equal('Sent');
    });
  });

  describe('isOwnWrite', () => {
    const sent = device('6', 'Sent').status;
    const cases: Array<[string, (w: WrittenObjects) => void, TeamsDevice, TeamsDevice, boolean]> = [
      [
        'should know the echo of a write whose answer came first',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent')),
        device('5'),
        device('6', 'Sent'),
        true,
      ],
      [
        'should know the echo of a write that is still waiting for its answer',
        (w) => w.expect(KEY, device('5'), sent),
        device('5'),
        device('6', 'Sent'),
        true,
      ],
      [
        'should not take a change to another status for the echo of the write',
        (w) => w.expect(KEY, device('5'), sent),
        device('5'),
        device('6', 'Downloading'),
        false,
      ],
      [
        'should not take a spec change over the base for the echo of the write',
        (w) => w.expect(KEY, device('5'), sent),
        device('5'),
        device('6', 'Sent', 2),
        false,
      ],
      [
        'should not take a change from another base for the echo of the write',
        (w) => w.expect(KEY, device('5'), sent),
        device('4'),
        device('6', 'Sent'),
        false,
      ],
      [
        'should not expect an echo of a write that was not sent or failed',
        (w) => {
          w.expect(KEY, device('5'), sent);
          w.unexpect(KEY);
        },
        device('5'),
        device('6', 'Sent'),
        false,
      ],
      [
        'should not expect an echo of a write over a base with no resourceVersion',
        (w) => w.expect(KEY, device(undefined), sent),
        device('5'),
        device('6', 'Sent'),
        false,
      ],
      [
        'should not take someone else’s later change for the echo of the write',
        (w) => w.remember(KEY, device('5'), device('6', 'Sent')),
        device('6', 'Sent'),
        device('7', 'Sent'),
        false,
      ],
      [
        'should expect nothing of a forgotten device',
        (w) => {
          w.expect(KEY, device('5'), sent);
          w.remember(KEY, device('5'), device('6', 'Sent'));
          w.forget(KEY);
        },
        device('5'),
        device('6', 'Sent'),
        false,
      ],
    ];
    for (const [name, steps, old, now, expected] of cases) {
      it(name, () => {
        const written = new WrittenObjects();
        steps(written);
        expect(written.isOwnWrite(KEY, old, now)).to.equal(expected);
      });
    }

    it('should take an echo for its own write only once', () => {
      const written = new WrittenObjects();
      written.expect(KEY, device('5'), sent);
      expect(written.isOwnWrite(KEY, device('5'), device('6', 'Sent'))).to.equal(true);
      expect(written.isOwnWrite(KEY, device('5'), device('6', 'Sent'))).to.equal(false);
    });

    it('should forget the write once its echo has come', () => {
      const written = new WrittenObjects();
      written.expect(KEY, device('5'), sent);
      written.remember(KEY, device('5'), device('6', 'Sent'));
      expect(written.isOwnWrite(KEY, device('5'), device('6', 'Sent'))).to.equal(true);
      // Nothing is remembered any more: the cache is read as it is, and the echo is not expected again.
      expect(rvOf(written.freshest(KEY, device('5')))).to.equal('5');
      expect(written.isOwnWrite(KEY, device('5'), device('6', 'Sent'))).to.equal(false);
    });
  });
});
