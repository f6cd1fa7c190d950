// The command line a proxy pod runs with under `local`: the embedded broker and the simulated clock of now.
import { expect } from 'chai';
import { proxyArgs } from '../../src/controllers/pool/objects.js';
import { localArgs } from '../../src/local/proxy-pods.js';
import { pool } from '../support/builders/index.js';

const options = {
  dir: '/unused',
  brokerUrl: 'mqtt://127.0.0.1:41883',
  clock: { now: () => new Date('2026-12-05T10:00:00Z'), speed: 3600 },
};

describe('local: the args of a proxy pod', () => {
  it("should connect the pool's proxy to the embedded broker on the simulated clock of now", () => {
    const args = localArgs(proxyArgs(pool()), options);
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(args.filter((a) => a === '--mqtt-url')).to.have.length(1);
    expect(value('--mqtt-url')).to.equal('mqtt://127.0.0.1:41883');
    expect(value('--clock-start')).to.equal('2026-12-05T10:00:00.000Z');
    expect(value('--clock-speed')).to.equal('3600');
    expect(value('--pool')).to.equal('default');
  });

  it('should drop the same flags written --flag=value', () => {
    const args = localArgs(
      ['proxy', '--mqtt-url=mqtt://tdo-mqtt:1883', '--clock-speed=1', '--pool', 'p'],
      options,
    );
    expect(args.join(' ')).to.equal(
      'proxy --pool p --mqtt-url mqtt://127.0.0.1:41883 --clock-start 2026-12-05T10:00:00.000Z --clock-speed 3600',
    );
  });

  it('should run a container of another command as written', () => {
    expect(localArgs(['run', '--mqtt-url', 'mqtt://tdo-mqtt:1883'], options)).to.deep.equal([
      'run',
      '--mqtt-url',
      'mqtt://tdo-mqtt:1883',
    ]);
  });
});
