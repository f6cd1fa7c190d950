import { resolve } from 'node:path';
import { expect } from 'chai';
import { parseLocalArgs } from '../../src/cli/local.js';
import { ConfigError } from '../../src/config/config.js';

describe('local: its flags', () => {
  it('should keep its state in .tdo over HTTPS, with the saved clock speed, when given no flags', () => {
    const args = parseLocalArgs([]);
    expect(args).to.include({ stateDir: resolve('.tdo'), tls: true, reset: false, quiet: false, port: 0 });
    expect(args.clockSpeed).to.equal(undefined);
  });

  it('should read --clock-speed, --clock-start, --state-dir, --reset, --quiet and --no-tls', () => {
    const args = parseLocalArgs([
      '--clock-speed=3600',
      '--clock-start',
      '2026-12-05T00:00:00Z',
      '--state-dir',
      '/tmp/lab',
      '--reset',
      '--quiet',
      '--no-tls',
    ]);
    expect(args).to.include({
      clockSpeed: 3600,
      clockStart: '2026-12-05T00:00:00Z',
      stateDir: '/tmp/lab',
      reset: true,
      quiet: true,
      tls: false,
    });
  });

  it('should name every bad flag in one error', () => {
    let error: unknown;
    try {
      parseLocalArgs(['--clock-speed', '0', '--clock-start', 'tomorrow', '--port', '70000', '--colour']);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems).to.deep.equal([
      '--colour: unknown flag',
      '--clock-speed: "0" is not a positive number',
      '--clock-start: "tomorrow" is not an ISO 8601 instant like 2026-12-01T08:00:00Z',
      '--port: "70000" is not a port',
    ]);
  });
});
