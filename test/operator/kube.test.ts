// withKeepAlive: every request of one configuration shares one keep-alive agent, rebuilt only when the TLS
// material changes (a rotated client certificate), never per request as client-node does.
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { expect } from 'chai';
import { withKeepAlive } from '../../src/operator/kube.js';

function config(server: string, certData: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, caData: Buffer.from('ca').toString('base64'), skipTLSVerify: false }],
    users: [
      {
        name: 'u',
        certData: Buffer.from(certData).toString('base64'),
        keyData: Buffer.from('key').toString('base64'),
      },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function agentOf(kc: KubeConfig): Promise<unknown> {
  const ctx = new RequestContext('https://api.example:6443/api', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getAgent();
}

describe('withKeepAlive', () => {
  it('should give every request the same keep-alive agent with maxSockets', async () => {
    const kc = withKeepAlive(config('https://api.example:6443', 'cert-1'), 7);
    const first = (await agentOf(kc)) as { keepAlive?: boolean; maxSockets?: number };
    expect(await agentOf(kc)).to.equal(first);
    expect(first.keepAlive).to.equal(true);
    expect(first.maxSockets).to.equal(7);
  });

  it('should build a new agent when the client certificate changes, and keep it', async () => {
    const kc = withKeepAlive(config('https://api.example:6443', 'cert-1'));
    const before = await agentOf(kc);
    const rotated = config('https://api.example:6443', 'cert-2');
    kc.users = rotated.users;
    const after = await agentOf(kc);
    expect(after).to.not.equal(before);
    expect(await agentOf(kc)).to.equal(after);
  });
});
