// Label and field selectors as the API server parses them (k8s.io/apimachinery pkg/labels and pkg/fields).
// Labels: `a=b`, `a==b`, `a!=b`, `a in (b,c)`, `a notin (b,c)`, `a`, `!a`, `a>1`, `a<1`; commas AND them.
// Fields: `x.y=v`, `x.y==v`, `x.y!=v` on dotted paths; `\,` `\=` `\\` escape values; commas AND them.

export class SelectorError extends Error {
  override name = 'SelectorError';
}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;
export type FieldMatcher = (object: object) => boolean;

type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

// Label keys: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw new SelectorError(`invalid label key "${key}": prefix part must be a DNS subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    throw new SelectorError(
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', ` +
        'and must start and end with an alphanumeric character (at most 63 characters)',
    );
  }
}

function checkValue(value: string): void {
  if (value.length > 63 || (value !== '' && !NAME.test(value))) {
    throw new SelectorError(
      `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric ` +
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)",
    );
  }
}

type Token =
  | { type: 'id'; text: string }
  | { type: '!' | '!=' | '=' | '==' | '(' | ')' | ',' | '>' | '<' }
  | { type: 'end' };

function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < selector.length) {
    const c = selector[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '!' && selector[i + 1] === '=') {
      tokens.push({ type: '!=' });
      i += 2;
    } else if (c === '=' && selector[i + 1] === '=') {
      tokens.push({ type: '==' });
      i += 2;
    } else if ('!=(),<>'.includes(c)) {
      tokens.push({ type: c as '!' | '=' | '(' | ')' | ',' | '<' | '>' });
      i++;
    } else {
      let j = i;
      while (j < selector.length && !/[\s!=(),<>]/.test(selector[j] as string)) j++;
      tokens.push({ type: 'id', text: selector.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ type: 'end' });
  return tokens;
}

function parseLabelRequirements(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const fail = (message: string): never => {
    throw new SelectorError(`unable to parse requirement: ${message} in label selector "${selector}"`);
  };
  const identifier = (what: string): string => {
    const token = next();
    if (token.type !== 'id') return fail(`expected ${what}, found '${describe(token)}'`);
    return token.text;
  };

  const requirements: LabelRequirement[] = [];
  if (peek().type === 'end') return requirements;
  for (;;) {
    if (peek().type === '!') {
      next();
      const key = identifier('a key after !');
      checkKey(key);
      requirements.push({ key, operator: '!', values: [] });
    } else {
      const key = identifier('a key');
      checkKey(key);
      const op = peek();
      if (op.type === ',' || op.type === 'end') {
        requirements.push({ key, operator: 'exists', values: [] });
      } else if (op.type === '=' || op.type === '==' || op.type === '!=') {
        next();
        const after = peek();
        // `key=` selects the empty value, as in Kubernetes.
        const value = after.type === ',' || after.type === 'end' ? '' : identifier('a value');
        checkValue(value);
        requirements.push({ key, operator: op.type === '!=' ? '!=' : '=', values: [value] });
      } else if (op.type === '>' || op.type === '<') {
        next();
        const value = identifier('an integer');
        if (!/^-?\d+$/.test(value)) fail(`for '${op.type}' the value must be an integer, found "${value}"`);
        requirements.push({ key, operator: op.type, values: [value] });
      } else if (op.type === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        if (next().type !== '(') fail(`expected '(' after '${op.text}'`);
        const values: string[] = [];
        for (;;) {
          const token = peek();
          if (token.type === ')') {
            next();
            break;
          }
          if (token.type === ',') {
            next();
            values.push('');
            continue;
          }
          const value = identifier('a value or )');
          checkValue(value);
          values.push(value);
          const sep = next();
          if (sep.type === ')') break;
          if (sep.type !== ',') fail(`expected ',' or ')' after a value, found '${describe(sep)}'`);
          if (peek().type === ')') values.push('');
        }
        if (values.length === 0) fail(`for '${op.text}' operator, the values set can't be empty`);
        requirements.push({ key, operator: op.text, values });
      } else {
        fail(`found '${describe(op)}', expected: '=', '!=', '==', 'in', 'notin'`);
      }
    }
    const sep = next();
    if (sep.type === 'end') break;
    if (sep.type !== ',') fail(`found '${describe(sep)}', expected: ',' or end of string`);
    if (peek().type === 'end') fail('found end of string after a comma, expected a requirement');
  }
  return requirements;
}

function describe(token: Token): string {
  if (token.type === 'id') return token.text;
  if (token.type === 'end') return 'end of string';
  return token.type;
}

function labelMatches(req: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && req.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !req.values.includes(value as string);
    case '>':
    case '<': {
      if (!has || !/^-?\d+$/.test(value as string)) return false;
      const actual = Number(value);
      const wanted = Number(req.values[0]);
      return req.operator === '>' ? actual > wanted : actual < wanted;
    }
  }
}

/** A matcher for a `labelSelector` query parameter; an empty selector matches everything. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const requirements = parseLabelRequirements(selector);
  return (labels) => requirements.every((req) => labelMatches(req, labels));
}

interface FieldRequirement {
  path: string;
  operator: '=' | '!=';
  value: string;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeValue(value: string, selector: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const escaped = value[i + 1];
      if (escaped !== '\\' && escaped !== ',' && escaped !== '=') {
        throw new SelectorError(
          `invalid field selector "${selector}": invalid escape sequence in "${value}"`,
        );
      }
      out += escaped;
      i++;
    } else if (c === '=' || c === ',') {
      throw new SelectorError(`invalid field selector "${selector}": unescaped '${c}' in value "${value}"`);
    } else {
      out += c;
    }
  }
  return out;
}

function parseFieldRequirements(selector: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitUnescaped(selector, ',')) {
    if (term.trim() === '') continue;
    let found: FieldRequirement | undefined;
    for (let i = 0; i < term.length && !found; i++) {
      for (const op of ['!=', '==', '='] as const) {
        if (term.startsWith(op, i)) {
          const path = term.slice(0, i).trim();
          if (!/^[A-Za-z0-9_.\-/]+$/.test(path)) {
            throw new SelectorError(`invalid field selector "${selector}": invalid field name "${path}"`);
          }
          const value = unescapeValue(term.slice(i + op.length).trim(), selector);
          found = { path, operator: op === '!=' ? '!=' : '=', value };
          break;
        }
      }
    }
    if (!found) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    requirements.push(found);
  }
  return requirements;
}

/** The field as a selector compares it: strings as they are, numbers and booleans printed, absent as ''. */
function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return '';
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return '';
}

/** A matcher for a `fieldSelector` query parameter; an empty selector matches everything. */
export function parseFieldSelector(selector: string): FieldMatcher {
  const requirements = parseFieldRequirements(selector);
  return (object) =>
    requirements.every((req) => (fieldValue(object, req.path) === req.value) === (req.operator === '='));
}

/** The field paths a selector reads, for a server that restricts them (e.g. to metadata.name for CRDs). */
export function fieldSelectorPaths(selector: string): string[] {
  return parseFieldRequirements(selector).map((req) => req.path);
}

/**
 * The values a selector pins with `=`/`==`, e.g. {'metadata.name': 'x'}: lets the server answer
 * `kubectl wait`'s `fieldSelector=metadata.name=x` from one key instead of a scan.
 */
export function fieldSelectorEqualities(selector: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const req of parseFieldRequirements(selector)) if (req.operator === '=') out[req.path] = req.value;
  return out;
}
