import { expect } from 'chai';
import { type SlotOutcome, slotOutcome, UpdateSlots } from '../../../src/controllers/device/slots.js';

describe('UpdateSlots', () => {
  it('should seed a namespace from the updates in flight in the cache', () => {
    const slots = new UpdateSlots({ inFlight: () => ['berlin/a', 'berlin/b'], wake: () => {} });
    expect(slots.available('berlin', 'berlin/c', 2)).to.equal(false);
    expect(slots.available('berlin', 'berlin/a', 2)).to.equal(true);
    expect(slots.inUse('berlin')).to.equal(2);
  });

  it('should hold the limit across reservations and wake the waiting devices when a slot frees', () => {
    const woken: string[] = [];
    const slots = new UpdateSlots({ inFlight: () => [], wake: (key) => woken.push(key) });
    for (const key of ['ns/a', 'ns/b']) {
      expect(slots.available('ns', key, 2)).to.equal(true);
      slots.reserve('ns', key);
    }
    expect(slots.available('ns', 'ns/c', 2)).to.equal(false);
    slots.settle('ns', 'ns/c', 'wait');
    slots.settle('ns', 'ns/d', 'wait');
    slots.settle('ns', 'ns/x', 'free'); // holds nothing: wakes nobody
    expect(woken).to.deep.equal([]);
    slots.settle('ns', 'ns/a', 'free');
    expect(woken).to.deep.equal(['ns/c', 'ns/d']);
    expect(slots.available('ns', 'ns/c', 2)).to.equal(true);
  });

  it('should count a device another operator put in flight and give no slot while others fill the limit', () => {
    const slots = new UpdateSlots({ inFlight: () => ['ns/a'], wake: () => {} });
    slots.reserve('ns', 'ns/b');
    // Seen in flight in the cache (claimed elsewhere), then its claim was withdrawn: its own hold is stale.
    slots.observeInFlight('ns', 'ns/c');
    expect(slots.inUse('ns')).to.equal(3);
    expect(slots.available('ns', 'ns/c', 2)).to.equal(false);
    expect(slots.available('ns', 'ns/d', 3)).to.equal(false);
    slots.settle('ns', 'ns/c', 'wait');
    expect(slots.available('ns', 'ns/d', 3)).to.equal(true);
  });

  it('should count namespaces apart', () => {
    const slots = new UpdateSlots({ inFlight: () => [], wake: () => {} });
    slots.reserve('berlin', 'berlin/a');
    expect(slots.available('paris', 'paris/a', 1)).to.equal(true);
    expect(slots.available('berlin', 'berlin/b', 1)).to.equal(false);
    slots.settle('berlin', 'berlin/a', 'gone');
    expect(slots.available('berlin', 'berlin/b', 1)).to.equal(true);
  });

  it('should say whether a reservation took a new slot, so a failed write gives back only that one', () => {
    const slots = new UpdateSlots({ inFlight: () => ['ns/a'], wake: () => {} });
    expect(slots.reserve('ns', 'ns/a')).to.equal(false);
    expect(slots.reserve('ns', 'ns/b')).to.equal(true);
    expect(slots.reserve('ns', 'ns/b')).to.equal(false);
  });

  it('should stop waiting for a slot once the device reserves one', () => {
    const woken: string[] = [];
    const slots = new UpdateSlots({ inFlight: () => ['ns/a'], wake: (key) => woken.push(key) });
    slots.settle('ns', 'ns/b', 'wait');
    slots.reserve('ns', 'ns/b');
    slots.settle('ns', 'ns/a', 'free');
    expect(woken).to.deep.equal([]);
  });

  it('should not wake a deleted device that was waiting', () => {
    const woken: string[] = [];
    const slots = new UpdateSlots({ inFlight: () => ['ns/a'], wake: (key) => woken.push(key) });
    slots.settle('ns', 'ns/b', 'wait');
    slots.settle('ns', 'ns/c', 'wait');
    slots.settle('ns', 'ns/b', 'gone');
    slots.settle('ns', 'ns/a', 'free');
    expect(woken).to.deep.equal(['ns/c']);
  });

  const settles: Array<[string, SlotOutcome, number]> = [
    ['should keep the slot of a device whose update is in flight', 'hold', 2],
    ['should give back the slot of a device with nothing in flight', 'free', 1],
    ['should give back the slot of a device that waits for one', 'wait', 1],
    ['should give back the slot of a deleted device', 'gone', 1],
  ];
  for (const [name, outcome, inUse] of settles) {
    it(`${name}, and say how many slots the namespace holds`, () => {
      const slots = new UpdateSlots({ inFlight: () => ['ns/a', 'ns/b'], wake: () => {} });
      expect(slots.settle('ns', 'ns/a', outcome)).to.equal(inUse);
      expect(slots.inUse('ns')).to.equal(inUse);
    });
  }
});

describe('slotOutcome', () => {
  const cases: Array<[string, { inFlight: boolean; waitingForSlot: boolean }, SlotOutcome]> = [
    ['should hold the slot while the update is in flight', { inFlight: true, waitingForSlot: false }, 'hold'],
    [
      'should wait when an update is due and no slot is free',
      { inFlight: false, waitingForSlot: true },
      'wait',
    ],
    [
      'should free the slot when nothing is in flight or due',
      { inFlight: false, waitingForSlot: false },
      'free',
    ],
  ];
  for (const [name, decision, expected] of cases) {
    it(name, () => expect(slotOutcome(decision)).to.equal(expected));
  }
});
