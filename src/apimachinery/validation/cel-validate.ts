// Runs x-kubernetes-validations rules the way apiextensions-apiserver's schema/cel validator does:
// each node's rules with `self` bound to its value, transition rules only where an old value
// correlates (object fields, map values, map-list items by key), optionalOldSelf rules always, and
// failures of unchanged values ratcheted into warnings on update.
import { Optional } from '@marcbachmann/cel-js';
import type { CelValues } from './cel-values.js';
import { deepEqual, isObject } from './deep.js';
import * as fe from './field-errors.js';
import { child, index } from './paths.js';
import { type CompiledRule, mapListKey, type SchemaNode } from './schema.js';
import type { FieldCause } from './types.js';

/** A value and the old value it correlates with; null where nothing correlates. */
type Correlation = { value: unknown; old: unknown } | null;

export interface RuleRun {
  causes: FieldCause[];
  warnings: string[];
  values: CelValues;
  skipTransitionRules: boolean;
}

function ruleErrorString(rule: CompiledRule): string {
  return rule.message !== '' ? rule.message : rule.rule.trim();
}

/** cel-go words runtime errors in lower case: `no such key: x`. */
function runtimeError(error: unknown): { text: string; overload: boolean } {
  const e = error as { message?: unknown; code?: unknown };
  const first = (typeof e.message === 'string' ? e.message : String(error)).split('\n')[0] ?? '';
  const overload = e.code === 'no_such_overload' || e.code === 'no_matching_overload';
  return { text: first.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase()), overload };
}

function messageFromExpression(rule: CompiledRule, context: Record<string, unknown>): string | undefined {
  if (!rule.messageExpression) return undefined;
  try {
    const message: unknown = rule.messageExpression.program(context);
    if (typeof message !== 'string') return undefined;
    const trimmed = message.trim();
    return trimmed === '' || trimmed.includes('\n') || trimmed.length > 5120 ? undefined : trimmed;
  } catch {
    return undefined;
  }
}

function failure(rule: CompiledRule, path: string, type: string, detail: string): FieldCause {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fe.forbidden(path, detail);
    case 'FieldValueRequired':
      return fe.required(path, detail);
    case 'FieldValueDuplicate':
      return fe.duplicate(path, type);
    default:
      return fe.invalid(path, type, detail);
  }
}

class RuleWalk {
  constructor(private readonly run: RuleRun) {}

  /**
   * `typed` is the structural schema of the value: the node itself, except under allOf, whose
   * schemas carry only rules and value validations.
   */
  node(
    node: SchemaNode,
    value: unknown,
    old: unknown,
    path: string,
    ratchet: Correlation,
    parent: Correlation,
    typed: SchemaNode = node,
  ): void {
    if (!node.hasRules || value === null || value === undefined) return;
    if (node.rules.length > 0) this.rules(node, typed, value, old, path, ratchet ?? parent);
    const nearest = ratchet ?? parent;
    // rules under allOf validate the same value; kube-apiserver does not ratchet them
    for (const sub of node.allOf) this.node(sub, value, old, path, null, parent, typed);
    if (Array.isArray(value)) {
      const items = node.items;
      if (!items?.hasRules) return;
      const oldByKey = new Map<string, unknown>();
      if (typed.listType === 'map' && Array.isArray(old)) {
        for (const item of old) {
          const key = mapListKey(typed, item);
          if (key !== undefined && !oldByKey.has(key)) oldByKey.set(key, item);
        }
      }
      value.forEach((item, i) => {
        const key = typed.listType === 'map' ? mapListKey(typed, item) : undefined;
        const oldItem = key === undefined ? undefined : oldByKey.get(key);
        const correlation = ratchet && oldItem !== undefined ? { value: item, old: oldItem } : null;
        this.node(items, item, oldItem, index(path, i), correlation, nearest, typed.items ?? items);
      });
      return;
    }
    if (!isObject(value)) return;
    const oldObject = isObject(old) ? old : undefined;
    const visit = (
      schema: SchemaNode,
      key: string,
      fieldPath: string,
      typedChild: SchemaNode | undefined,
    ) => {
      const oldValue = oldObject && Object.hasOwn(oldObject, key) ? oldObject[key] : undefined;
      const correlation = ratchet && oldValue !== undefined ? { value: value[key], old: oldValue } : null;
      this.node(schema, value[key], oldValue, fieldPath, correlation, nearest, typedChild ?? schema);
    };
    const mapValues = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    if (mapValues?.hasRules) {
      const typedValues =
        typeof typed.additionalProperties === 'object' ? typed.additionalProperties : undefined;
      for (const key of Object.keys(value)) {
        if (!node.properties?.has(key)) visit(mapValues, key, index(path, key), typedValues);
      }
    }
    for (const [name, property] of node.properties ?? []) {
      if (property.hasRules && Object.hasOwn(value, name)) {
        visit(property, name, child(path, name), typed.properties?.get(name));
      }
    }
  }

  private rules(
    node: SchemaNode,
    typed: SchemaNode,
    value: unknown,
    old: unknown,
    path: string,
    ratchet: Correlation,
  ): void {
    const { causes, values, skipTransitionRules } = this.run;
    const hasOld = old !== null && old !== undefined;
    let self: unknown;
    let oldSelf: unknown;
    for (const rule of node.rules) {
      if (rule.compileError !== undefined) {
        causes.push(fe.invalid(path, typed.type, `rule compile error: ${rule.compileError}`));
        continue;
      }
      const program = rule.program;
      if (!program) continue;
      if (program.usesOldSelf && (skipTransitionRules || (!hasOld && !rule.optionalOldSelf))) continue;
      self ??= values.of(typed, value);
      if (hasOld) oldSelf ??= values.of(typed, old);
      const context: Record<string, unknown> = { self };
      if (hasOld) context.oldSelf = oldSelf;
      const activation = rule.optionalOldSelf
        ? { self, oldSelf: hasOld ? Optional.of(oldSelf) : Optional.none() }
        : context;
      let result: unknown;
      try {
        result = program.program(activation);
      } catch (error) {
        const { text, overload } = runtimeError(error);
        const detail = overload
          ? `'no such overload': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`
          : `${text} evaluating rule: ${ruleErrorString(rule)}`;
        causes.push(fe.invalid(path, typed.type, detail));
        continue;
      }
      if (result === true) continue;
      const detail =
        messageFromExpression(rule, context) ?? (rule.message || `failed rule: ${rule.rule.trim()}`);
      const cause = failure(
        rule,
        rule.fieldPath === '' ? path : child(path, rule.fieldPath),
        typed.type,
        detail,
      );
      if (!program.usesOldSelf && ratchet && deepEqual(ratchet.value, ratchet.old)) {
        this.run.warnings.push(`${cause.field}: ${cause.message}`);
      } else {
        causes.push(cause);
      }
    }
  }
}

/** Evaluates every rule of the schema on `value` (and `old`, on update). */
export function validateRules(root: SchemaNode, value: unknown, old: unknown, run: RuleRun): void {
  const correlation = old === undefined ? null : { value, old };
  new RuleWalk(run).node(root, value, old, '', correlation, null);
}
