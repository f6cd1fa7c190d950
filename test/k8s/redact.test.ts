// No credential in anything the operator logs: URL user/password, Authorization values, token parameters.
import { expect } from 'chai';
import { redactError, redactSecrets } from '../../src/k8s/redact.js';
import { safeLogger } from '../../src/runtime/safe-logger.js';
import { capturingLogger } from '../support/async.js';

describe('redacting credentials', () => {
  for (const [text, expected] of [
    [
      'request to http://teams-device-operator:s3cr3t@127.0.0.1:6443/api/v1/pods?watch=true failed',
      'request to http://REDACTED@127.0.0.1:6443/api/v1/pods?watch=true failed',
    ],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer REDACTED'],
    ['Basic dXNlcjpwYXNz', 'Basic REDACTED'],
    ['https://h/x?access_token=abc&limit=5', 'https://h/x?access_token=REDACTED&limit=5'],
    ['nothing secret here', 'nothing secret here'],
  ] as const) {
    it(`should turn "${text}" into "${expected}"`, () => {
      expect(redactSecrets(text)).to.equal(expected);
    });
  }

  it('should redact the message and stack of an error in place', () => {
    const err = redactError(new Error('connect to https://u:tok3n@host failed'));
    expect(err.message).to.equal('connect to https://REDACTED@host failed');
    expect(err.stack).to.not.contain('tok3n');
  });

  it('should keep credentials out of every field, error and header a safe logger writes', () => {
    const { logger, lines } = capturingLogger('debug');
    const log = safeLogger(logger).child({ controller: 'x' });
    const err = Object.assign(new Error('request to http://me:tok3n@h/ failed'), {
      options: { url: 'http://me:tok3n@h/' },
    });
    log.warn({ err, url: 'http://me:tok3n@h/x', headers: { authorization: 'Bearer tok3n' } }, 'failed');
    log.info({ nested: { list: ['ok', 'wss://me:tok3n@broker'] }, password: 'tok3n' }, 'fields');
    const text = JSON.stringify(lines);
    expect(text).to.not.contain('tok3n');
    expect(lines[0]).to.include({ url: 'http://REDACTED@h/x', msg: 'failed', controller: 'x' });
    const logged = lines[0]?.err as { message?: string } | undefined;
    expect(logged?.message).to.equal('request to http://REDACTED@h/ failed');
  });
});
