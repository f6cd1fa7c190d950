// The CEL environment of x-kubernetes-validations rules: `self`, `oldSelf` (optional when the rule sets
// optionalOldSelf) and the Kubernetes extension functions typical CRDs use, on top of cel-js's standard
// library (size, has, matches, startsWith, contains, lowerAscii, split, join, all/exists/map/filter, ...).
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

type Comparable = bigint | number | string | boolean | Date;

function isSorted(list: Comparable[]): boolean {
  return list.every((v, i) => i === 0 || (list[i - 1] as Comparable) <= v);
}

function pick(list: Comparable[], better: (a: Comparable, b: Comparable) => boolean, name: string) {
  if (list.length === 0) throw new Error(`${name}(list) argument must not be empty`);
  return list.reduce((best, v) => (better(v, best) ? v : best));
}

function regex(pattern: string): RegExp {
  return new RegExp(pattern, 'u');
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  const out: string[] = [];
  if (limit === 0n) return out;
  for (const m of text.matchAll(new RegExp(pattern, 'gu'))) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

function replaceN(text: string, from: string, to: string, n: bigint): string {
  if (n < 0n) return text.split(from).join(to);
  let out = '';
  let rest = text;
  for (let i = 0n; i < n; i++) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    if (from === '') {
      out += rest.slice(0, 1);
      rest = rest.slice(1);
    }
  }
  return out + rest;
}

function kubernetesEnvironment(oldSelfType: 'dyn' | 'optional<dyn>'): Environment {
  return (
    new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })
      .registerVariable('self', 'dyn')
      .registerVariable('oldSelf', oldSelfType)
      // k8s.io/apiserver/pkg/cel/library: lists
      .registerFunction('list.isSorted(): bool', isSorted)
      .registerFunction('list<int>.sum(): int', (l: bigint[]) => l.reduce((a, b) => a + b, 0n))
      .registerFunction('list<double>.sum(): double', (l: number[]) => l.reduce((a, b) => a + b, 0))
      .registerFunction('list.min(): dyn', (l: Comparable[]) => pick(l, (a, b) => a < b, 'min'))
      .registerFunction('list.max(): dyn', (l: Comparable[]) => pick(l, (a, b) => a > b, 'max'))
      .registerFunction('list<dyn>.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.indexOf(v)))
      .registerFunction('list<dyn>.lastIndexOf(dyn): int', (l: unknown[], v: unknown) =>
        BigInt(l.lastIndexOf(v)),
      )
      // regex
      .registerFunction('string.find(string): string', (s: string, p: string) => regex(p).exec(s)?.[0] ?? '')
      .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p, -1n))
      .registerFunction('string.findAll(string, int): list<string>', findAll)
      // cel-go ext strings
      .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
        const chars = [...s];
        if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
        return chars[Number(i)] ?? '';
      })
      .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) =>
        replaceN(s, a, b, -1n),
      )
      .registerFunction('string.replace(string, string, int): string', replaceN)
      .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
  );
}

const transitionEnv = kubernetesEnvironment('dyn');
const optionalOldSelfEnv = kubernetesEnvironment('optional<dyn>');

export interface CompiledExpression {
  program: ParseResult;
  usesOldSelf: boolean;
}

/** Whether the expression reads the variable `oldSelf` (a transition rule). */
function mentionsOldSelf(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(mentionsOldSelf);
  if (node === null || typeof node !== 'object') return false;
  const n = node as { op?: unknown; args?: unknown };
  if (n.op === 'id') return n.args === 'oldSelf';
  return n.op !== 'value' && mentionsOldSelf(n.args);
}

/** Parses once; throws the parser's error (with its source highlighting) when the rule is not valid CEL. */
export function compileExpression(source: string, optionalOldSelf: boolean): CompiledExpression {
  const program = (optionalOldSelf ? optionalOldSelfEnv : transitionEnv).parse(source);
  return { program, usesOldSelf: mentionsOldSelf(program.ast) };
}
