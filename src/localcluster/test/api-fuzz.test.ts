// 20,000 random requests (support/fuzz-requests.ts) against a real embedded control plane over HTTP, as a
// hostile or careless client sends them: no answer is a 500, every 4xx carries a Status a client can read,
// the server keeps answering /readyz and lists, and nothing reaches Object.prototype. The seed is printed
// with any failure; TDO_FUZZ_SEED=<n> replays it, TDO_FUZZ_COUNT=<n> sends more.
import { Agent, request } from 'node:http';
import { expect } from 'chai';
import { type LocalCluster, startLocalCluster } from '../index.js';
import { committedCrd } from './support/crds.js';
import { type FuzzRequest, Random, RequestGenerator } from './support/fuzz-requests.js';
import { rawCall } from './support/raw-api.js';

const SEED = Number(process.env.TDO_FUZZ_SEED ?? 20261202);
const COUNT = Number(process.env.TDO_FUZZ_COUNT ?? 20_000);
const CONCURRENCY = 16;
/** A request gets this long for its headers; a watch is cut off once they arrive. */
const REQUEST_TIMEOUT_MS = 15_000;

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

function send(cluster: LocalCluster, agent: Agent, fuzz: FuzzRequest, token: boolean): Promise<Answer> {
  const url = new URL(fuzz.path, cluster.url);
  const headers: Record<string, string | number> = { ...fuzz.headers };
  if (token) headers.authorization = `Bearer ${cluster.token}`;
  if (fuzz.body) headers['content-length'] = fuzz.body.length;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: fuzz.method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const status = res.statusCode ?? 0;
      // a watch that started stays open: its headers are the answer
      if (status === 200 && res.headers['transfer-encoding'] === 'chunked' && /watch/.test(fuzz.path)) {
        res.destroy();
        resolve({ status, body: '', contentType });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), contentType }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(fuzz.body);
  });
}

/** Why an error answer is not a metav1.Status for its code, or undefined when it is one. */
function statusProblem(answer: Answer, method: string): string | undefined {
  if (method === 'HEAD') return undefined;
  let status: Record<string, unknown>;
  try {
    status = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    return `not JSON: ${answer.body.slice(0, 120)}`;
  }
  if (status.kind !== 'Status' || status.apiVersion !== 'v1')
    return `not a Status: ${answer.body.slice(0, 120)}`;
  if (status.status !== 'Failure' || status.code !== answer.status)
    return `wrong status/code: ${answer.body.slice(0, 120)}`;
  if (typeof status.reason !== 'string' || typeof status.message !== 'string') return 'no reason or message';
  if (!answer.contentType.startsWith('application/json')) return `content type ${answer.contentType}`;
  return undefined;
}

describe('localcluster under 20,000 random requests', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;
  let agent: Agent;

  before(async () => {
    cluster = await startLocalCluster({ tls: false });
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const call = (method: string, path: string, body: unknown) => rawCall(cluster, method, path, body);
    expect(
      (
        await call(
          'POST',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
          committedCrd('teamsdevices'),
        )
      ).status,
    ).to.equal(201);
    expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'fuzz' } })).status).to.equal(201);
    for (const name of ['fuzz-a', 'fuzz-b']) {
      await call('POST', '/api/v1/namespaces/default/configmaps', {
        metadata: { name, labels: { app: 'fuzz' } },
        data: { a: 'b' },
      });
      await call('POST', '/apis/teamsdevices.io/v1alpha1/namespaces/default/teamsdevices', {
        metadata: { name },
        spec: { type: 'Phone', manufacturer: 'Yealink', model: 'MP56' },
      });
    }
  });

  after(async () => {
    agent.destroy();
    await cluster.stop();
  });

  it('should answer every request without a 500, with a Status for every 4xx, and keep serving', async () => {
    const random = new Random(SEED);
    const generator = new RequestGenerator(random);
    const failures = new Map<string, { count: number; example: string }>();
    const note = (kind: string, fuzz: FuzzRequest, detail: string) => {
      const key = `${kind} ${fuzz.route}`;
      const seen = failures.get(key);
      if (seen) seen.count++;
      else
        failures.set(key, {
          count: 1,
          example: `${fuzz.method} ${fuzz.path.slice(0, 200)} [${fuzz.headers['content-type'] ?? ''}] ${detail}`,
        });
    };
    const requests = Array.from({ length: COUNT }, () => ({
      fuzz: generator.next(),
      token: random.chance(0.97),
    }));
    const codes = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < requests.length) {
        const { fuzz, token } = requests[next++] as (typeof requests)[number];
        let answer: Answer;
        try {
          answer = await send(cluster, agent, fuzz, token);
        } catch (error) {
          note('no answer', fuzz, (error as Error).message);
          continue;
        }
        codes.set(answer.status, (codes.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500 && !(answer.status === 504 && /resourceVersion=/.test(fuzz.path))) {
          note(String(answer.status), fuzz, answer.body.slice(0, 300));
        } else if (answer.status >= 400) {
          const problem = statusProblem(answer, fuzz.method);
          if (problem) note(`bad Status (${answer.status})`, fuzz, problem);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;

    const report = [...failures].map(([key, f]) => `${f.count} × ${key}\n    e.g. ${f.example}`).join('\n');
    expect(failures.size, `seed ${SEED}, ${COUNT} requests in ${seconds.toFixed(1)} s:\n${report}`).to.equal(
      0,
    );
    expect(({} as Record<string, unknown>).polluted, `seed ${SEED}`).to.equal(undefined);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(
      Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort(),
    );

    const ready = await fetch(`${cluster.url}/readyz`);
    expect(ready.status, `seed ${SEED}`).to.equal(200);
    const list = await rawCall(cluster, 'GET', '/api/v1/namespaces/default/configmaps');
    expect(list.status, `seed ${SEED}`).to.equal(200);
    expect(list.body.kind).to.equal('ConfigMapList');
    // writes still work (the random requests may have deleted any CRD, hence a ConfigMap)
    const created = await rawCall(cluster, 'POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'after-the-fuzz' },
      data: { still: 'serving' },
    });
    expect(created.status, `seed ${SEED}`).to.equal(201);
    // the figures a reader of the test output wants: how fast, and what the server answered
    const summary = [...codes]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `${code}:${n}`)
      .join(' ');
    console.log(`      fuzz seed ${SEED}: ${COUNT} requests in ${seconds.toFixed(1)} s (${summary})`);
  });
});
