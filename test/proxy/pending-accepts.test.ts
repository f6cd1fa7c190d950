import { expect } from 'chai';
import { ACCEPT_GRACE_MS, PendingAccepts } from '../../src/proxy/pending-accepts.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { CommandEvent } from '../../src/transport/protocol.js';

const START = '2026-01-01T00:00:00Z';
const accepted = (commandId: string): CommandEvent => ({ commandId, state: 'accepted', ts: START });

describe('the accepted events a proxy holds back', () => {
  let clock: FakeClock;
  let published: string[];
  let accepts: PendingAccepts;
  beforeEach(() => {
    clock = new FakeClock(START);
    published = [];
    accepts = new PendingAccepts(clock, (deviceId, event) =>
      published.push(`${deviceId} ${event.commandId}`),
    );
  });

  it('should never publish the accepted of a command that finished within the grace', async () => {
    accepts.hold('phone-1', accepted('c1'));
    accepts.drop('c1');
    await clock.advance(ACCEPT_GRACE_MS * 4);
    expect(published).to.deep.equal([]);
  });

  it('should publish the accepted of a command still running once the grace is over, and only then', async () => {
    accepts.hold('phone-1', accepted('c1'));
    await clock.advance(ACCEPT_GRACE_MS - 1);
    accepts.hold('phone-2', accepted('c2'));
    expect(published).to.deep.equal([]);
    await clock.advance(1);
    expect(published).to.deep.equal(['phone-1 c1']);
    await clock.advance(ACCEPT_GRACE_MS);
    expect(published).to.deep.equal(['phone-1 c1', 'phone-2 c2']);
  });

  it('should publish a held accepted at once, and once, before a later event of its command', async () => {
    accepts.hold('phone-1', accepted('c1'));
    expect(accepts.release('c1')).to.equal(true);
    expect(accepts.release('c1')).to.equal(false);
    await clock.advance(ACCEPT_GRACE_MS * 2);
    expect(published).to.deep.equal(['phone-1 c1']);
  });
});
