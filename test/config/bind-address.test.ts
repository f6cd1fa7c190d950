// Where /healthz, /readyz and /metrics listen: loopback unless told otherwise, HOST:PORT flags as
// controller-runtime names them, and the port-only flags kept working.
import { expect } from 'chai';
import { parseConfig } from '../../src/config/config.js';

const HOME = { HOME: '/home/tester' };

describe('config: the probe and metrics bind addresses', () => {
  const listen = (argv: string[]) => {
    const c = parseConfig(argv, HOME);
    return { health: [c.healthHost, c.healthPort], metrics: [c.metricsHost, c.metricsPort] };
  };

  it('should listen on loopback by default, on ports 8081 and 8080', () => {
    expect(listen([])).to.deep.equal({ health: ['127.0.0.1', 8081], metrics: ['127.0.0.1', 8080] });
  });

  it('should take HOST:PORT, [IPv6]:PORT and :PORT (every interface)', () => {
    expect(
      listen(['--health-probe-bind-address', '0.0.0.0:9440', '--metrics-bind-address', '[::1]:9090']),
    ).to.deep.equal({
      health: ['0.0.0.0', 9440],
      metrics: ['::1', 9090],
    });
    expect(listen(['--metrics-bind-address=:8443']).metrics).to.deep.equal(['', 8443]);
  });

  it('should keep --health-port and --metrics-port as the port on the loopback host', () => {
    expect(listen(['--health-port', '0', '--metrics-port', '9999'])).to.deep.equal({
      health: ['127.0.0.1', 0],
      metrics: ['127.0.0.1', 9999],
    });
  });

  for (const [argv, message] of [
    [['--metrics-bind-address', '8080'], /^--metrics-bind-address: "8080" is not HOST:PORT/],
    [
      ['--health-probe-bind-address', 'host:70000'],
      /^--health-probe-bind-address: "host:70000" is not HOST:PORT/,
    ],
    [['--health-probe-bind-address', 'a b:80'], /^--health-probe-bind-address: "a b" is not a host name/],
    [
      ['--metrics-bind-address', ':1', '--metrics-port', '2'],
      /^--metrics-port: give either --metrics-bind-address or --metrics-port/,
    ],
  ] as const) {
    it(`should refuse ${argv.join(' ')} naming the flag`, () => {
      let problems: readonly string[] = [];
      try {
        parseConfig(argv, HOME);
      } catch (error) {
        problems = (error as { problems: readonly string[] }).problems;
      }
      expect(
        problems.some((p) => message.test(p)),
        problems.join('\n'),
      ).to.equal(true);
    });
  }
});
