// A set of field paths, the ownership unit of server-side apply, and its FieldsV1 encoding
// (sigs.k8s.io/structured-merge-diff/fieldpath). A path is a list of path elements written as in
// FieldsV1: `f:<field>`, `k:<JSON of the key fields>` (an item of a keyed list), `v:<JSON value>`
// (an item of a set) and `i:<index>`. A node is a member when the path itself is in the set;
// nodes that are not members only lead to deeper members.
import { isMap } from './json.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (!isMap(fields)) return set;
    const entries = Object.entries(fields);
    if (entries.length === 0) set.member = true;
    for (const [key, value] of entries) {
      if (key === '.') set.member = true;
      else set.children.set(key, FieldSet.fromFieldsV1(value));
    }
    return set;
  }

  /** FieldsV1 JSON: `{}` for a member leaf, `".": {}` for a member with children. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const key of [...this.children.keys()].sort(comparePathElements)) {
      out[key] = (this.children.get(key) as FieldSet).toFieldsV1();
    }
    return out;
  }

  static of(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  insert(path: FieldPath): void {
    let node: FieldSet = this;
    for (const element of path) {
      let child = node.children.get(element);
      if (!child) {
        child = new FieldSet();
        node.children.set(element, child);
      }
      node = child;
    }
    node.member = true;
  }

  /** The node at `path`, whether a member or on the way to one. */
  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const element of path) node = node?.children.get(element);
    return node;
  }

  has(path: FieldPath): boolean {
    return this.at(path)?.member ?? false;
  }

  /** True when `path` or anything below it is a member. */
  hasNode(path: FieldPath): boolean {
    return this.at(path) !== undefined;
  }

  isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Every member path, in FieldsV1 order. */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const walk = (node: FieldSet, prefix: PathElement[]) => {
      if (node.member) out.push(prefix);
      for (const key of [...node.children.keys()].sort(comparePathElements)) {
        walk(node.children.get(key) as FieldSet, [...prefix, key]);
      }
    };
    walk(this, []);
    return out;
  }

  union(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a || b);
  }

  intersection(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && b);
  }

  /** Members of this set that are not members of `other` (exact paths only). */
  difference(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && !b);
  }

  /** Members of this set that are neither members of `other` nor below one of its members. */
  recursiveDifference(other: FieldSet): FieldSet {
    const walk = (node: FieldSet, remove: FieldSet | undefined): FieldSet => {
      const out = new FieldSet();
      if (remove?.member) return out;
      out.member = node.member;
      for (const [key, child] of node.children) {
        const kept = walk(child, remove?.children.get(key));
        if (!kept.isEmpty()) out.children.set(key, kept);
      }
      return out;
    };
    return walk(this, other);
  }

  equals(other: FieldSet): boolean {
    if (this.member !== other.member || this.children.size !== other.children.size) return false;
    for (const [key, child] of this.children) {
      const theirs = other.children.get(key);
      if (!theirs || !child.equals(theirs)) return false;
    }
    return true;
  }
}

function combine(
  a: FieldSet | undefined,
  b: FieldSet | undefined,
  keep: (a: boolean, b: boolean) => boolean,
) {
  const out = new FieldSet();
  out.member = keep(a?.member ?? false, b?.member ?? false);
  const keys = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
  for (const key of keys) {
    const child = combine(a?.children.get(key), b?.children.get(key), keep);
    if (!child.isEmpty()) out.children.set(key, child);
  }
  return out;
}

const ELEMENT_ORDER = 'fkvi';

/** FieldsV1 order: fields, then keyed items, then set values, then indexes; each sorted. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const byType = ELEMENT_ORDER.indexOf(a[0] ?? '') - ELEMENT_ORDER.indexOf(b[0] ?? '');
  if (byType !== 0) return byType;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** The element of a keyed list item: its key fields, sorted by name. */
export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(keys).sort()) sorted[name] = keys[name];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

/** A path as the API server prints it in conflicts: `.spec.containers[name="app"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(keys)
            .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
