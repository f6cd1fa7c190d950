// The JSONPath subset that CRD printer columns and `kubectl -o jsonpath` use (k8s.io/client-go/util/jsonpath):
// fields `.a.b` (with `\.` escapes and `['a.b']`), `..a` (recursive), `*`, indexes `[0]` `[-1]`, slices `[1:3]`,
// and filters `[?(@.type=="Ready")]` with == != < <= > >= or a bare `@.x` for "present". One optional pair of
// braces and a leading `$` are accepted. Missing fields yield no result, as with AllowMissingKeys(true).

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

export type JsonPathStep = Step;

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'filter'; filter: Filter };

type Operand = { kind: 'path'; steps: Step[] } | { kind: 'literal'; value: unknown };

interface Filter {
  left: Operand;
  op?: '==' | '!=' | '<' | '<=' | '>' | '>=';
  right?: Operand;
}

const cache = new Map<string, Step[]>();

/** Every value the path selects, in document order; [] when nothing matches. Throws JsonPathError on bad syntax. */
export function evaluateJsonPath(object: unknown, path: string): unknown[] {
  let steps = cache.get(path);
  if (!steps) {
    steps = parseJsonPath(path);
    if (cache.size > 500) cache.clear();
    cache.set(path, steps);
  }
  return run(steps, [object]);
}

/** The parsed steps; also a way to validate a printer column's jsonPath. Throws JsonPathError. */
export function parseJsonPath(path: string): JsonPathStep[] {
  let text = path.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new JsonPathError(`unclosed action in ${JSON.stringify(path)}`);
    text = text.slice(1, -1).trim();
  }
  if (text.startsWith('$')) text = text.slice(1);
  if (text !== '' && !text.startsWith('.') && !text.startsWith('[')) text = `.${text}`;
  const parser = new Parser(text, path);
  const steps = parser.steps(() => false);
  if (!parser.done()) parser.fail('unexpected character');
  return steps;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly original: string,
  ) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new JsonPathError(`${message} at position ${this.pos} of ${JSON.stringify(this.original)}`);
  }

  private peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  private skipSpaces(): void {
    while (this.peek() === ' ') this.pos++;
  }

  /** Steps until the end of the text or until `stop` says the next character ends this path. */
  steps(stop: () => boolean): Step[] {
    const steps: Step[] = [];
    while (!this.done() && !stop()) {
      const c = this.peek();
      if (c === '.') {
        if (this.peek(1) === '.') {
          this.pos += 2;
          const name = this.name();
          if (name === '') this.fail('expected a field name after ..');
          steps.push({ kind: 'recursive', name });
        } else {
          this.pos++;
          if (this.peek() === '*') {
            this.pos++;
            steps.push({ kind: 'wildcard' });
          } else if (this.peek() === '[' || this.done()) {
            // `.[0]` and a trailing `.` (the root itself) are accepted like kubectl does.
          } else {
            const name = this.name();
            if (name === '') this.fail('expected a field name');
            steps.push({ kind: 'field', name });
          }
        }
      } else if (c === '[') {
        steps.push(this.bracket());
      } else {
        this.fail('unexpected character');
      }
    }
    return steps;
  }

  private name(): string {
    let out = '';
    while (!this.done()) {
      const c = this.peek();
      if (c === '\\' && this.pos + 1 < this.text.length) {
        out += this.peek(1);
        this.pos += 2;
        continue;
      }
      if (c === '.' || c === '[' || c === ']' || c === ')' || c === ' ' || /[=!<>]/.test(c)) break;
      out += c;
      this.pos++;
    }
    return out;
  }

  private bracket(): Step {
    this.pos++; // [
    this.skipSpaces();
    let step: Step;
    const c = this.peek();
    if (c === '?') {
      this.pos++;
      this.skipSpaces();
      if (this.peek() !== '(') this.fail('expected ( after ?');
      this.pos++;
      step = { kind: 'filter', filter: this.filter() };
      this.skipSpaces();
      if (this.peek() !== ')') this.fail('expected ) to close the filter');
      this.pos++;
    } else if (c === '*') {
      this.pos++;
      step = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      step = { kind: 'field', name: this.quoted() };
    } else {
      const start = this.integer();
      this.skipSpaces();
      if (this.peek() === ':') {
        this.pos++;
        this.skipSpaces();
        const end = this.integer();
        step = { kind: 'slice', start, end };
      } else {
        if (start === undefined) this.fail('expected an index, a quoted name, * or a filter');
        step = { kind: 'index', index: start };
      }
    }
    this.skipSpaces();
    if (this.peek() !== ']') this.fail('expected ]');
    this.pos++;
    return step;
  }

  private integer(): number | undefined {
    const match = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!match) return undefined;
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private quoted(): string {
    const quote = this.peek();
    this.pos++;
    let out = '';
    while (!this.done() && this.peek() !== quote) {
      if (this.peek() === '\\' && this.pos + 1 < this.text.length) this.pos++;
      out += this.peek();
      this.pos++;
    }
    if (this.done()) this.fail('unterminated string');
    this.pos++;
    return out;
  }

  private filter(): Filter {
    this.skipSpaces();
    const left = this.operand();
    this.skipSpaces();
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.text.slice(this.pos))?.[0] as Filter['op'];
    if (!op) return { left };
    this.pos += op.length;
    this.skipSpaces();
    return { left, op, right: this.operand() };
  }

  private operand(): Operand {
    const c = this.peek();
    if (c === '@') {
      this.pos++;
      const steps = this.steps(() => /[\s)=!<>]/.test(this.peek()));
      return { kind: 'path', steps };
    }
    if (c === "'" || c === '"') return { kind: 'literal', value: this.quoted() };
    const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.fail('expected @, a quoted string, a number, true, false or null in the filter');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function run(steps: readonly Step[], input: unknown[]): unknown[] {
  let current = input;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) apply(step, value, next);
    current = next;
  }
  return current;
}

function apply(step: Step, value: unknown, out: unknown[]): void {
  switch (step.kind) {
    case 'field':
      if (isRecord(value) && Object.hasOwn(value, step.name)) out.push(value[step.name]);
      return;
    case 'recursive':
      collect(value, step.name, out);
      return;
    case 'wildcard':
      if (Array.isArray(value)) out.push(...value);
      else if (isRecord(value)) out.push(...Object.values(value));
      return;
    case 'index': {
      if (!Array.isArray(value)) return;
      const i = step.index < 0 ? value.length + step.index : step.index;
      if (i >= 0 && i < value.length) out.push(value[i]);
      return;
    }
    case 'slice': {
      if (!Array.isArray(value)) return;
      out.push(...value.slice(step.start ?? 0, step.end ?? value.length));
      return;
    }
    case 'filter':
      if (Array.isArray(value)) for (const item of value) if (matches(step.filter, item)) out.push(item);
      return;
  }
}

function collect(value: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, name, out);
  } else if (isRecord(value)) {
    if (Object.hasOwn(value, name)) out.push(value[name]);
    for (const child of Object.values(value)) collect(child, name, out);
  }
}

function operandValues(operand: Operand, item: unknown): unknown[] {
  return operand.kind === 'literal' ? [operand.value] : run(operand.steps, [item]);
}

function matches(filter: Filter, item: unknown): boolean {
  const left = operandValues(filter.left, item);
  if (!filter.op || !filter.right) return left.length > 0;
  const right = operandValues(filter.right, item);
  if (left.length === 0 || right.length === 0) return false;
  return compare(left[0], filter.op, right[0]);
}

function compare(a: unknown, op: NonNullable<Filter['op']>, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  const ordered =
    (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!ordered) return false;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}
