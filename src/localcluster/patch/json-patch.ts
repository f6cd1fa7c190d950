// JSON patch (RFC 6902), `application/json-patch+json`, applied with fast-json-patch. Like the
// Kubernetes API server (evanphx/json-patch), a body that is not a list of operations is a 400 and
// an operation that cannot be applied (a failed `test`, a missing path) is a 422.
import jsonpatch, { type Operation } from 'fast-json-patch';
import { type ApiError, badRequest, invalidPatch } from '../errors.js';
import { clone, describe, isMap } from './json.js';

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
/** The API server refuses longer patches (maxJSONPatchOperations). */
const MAX_OPERATIONS = 10_000;

export function applyJsonPatch(target: object, operations: unknown): object {
  const ops = parseOperations(operations);
  try {
    return jsonpatch.applyPatch(clone(target), ops, true, true).newDocument;
  } catch (error) {
    if (error instanceof jsonpatch.JsonPatchError) throw describeFailure(error, ops);
    // fast-json-patch refuses to write through `constructor/prototype` with a TypeError
    if (error instanceof TypeError) throw invalidPatch(`the JSON patch cannot be applied: ${error.message}`);
    throw error;
  }
}

function parseOperations(operations: unknown): Operation[] {
  if (!Array.isArray(operations)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  if (operations.length > MAX_OPERATIONS) {
    throw invalidPatch(
      `The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${operations.length}`,
    );
  }
  return operations.map((op, index) => {
    if (!isMap(op)) throw badRequest(`operation ${index} of the JSON patch is not an object`);
    if (typeof op.op !== 'string' || !OPS.has(op.op))
      throw badRequest(`Unexpected kind: ${typeof op.op === 'string' ? op.op : describe(op.op)}`);
    if (typeof op.path !== 'string') throw badRequest(`operation ${index} (${op.op}) is missing path`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw badRequest(`operation ${index} (${op.op}) is missing from`);
    }
    for (const pointer of [op.path, op.from]) {
      if (typeof pointer === 'string' && pointer.split('/').includes('__proto__')) {
        throw badRequest(
          `operation ${index} (${op.op}) names "__proto__", which this server does not accept`,
        );
      }
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value')) {
      throw badRequest(`operation ${index} (${op.op}) is missing value`);
    }
    return clone(op) as unknown as Operation;
  });
}

function describeFailure(error: InstanceType<typeof jsonpatch.JsonPatchError>, ops: Operation[]): ApiError {
  const op = ops[error.index ?? 0];
  const path = op?.path ?? '';
  const from = op && 'from' in op ? op.from : '';
  switch (error.name) {
    case 'TEST_OPERATION_FAILED':
      return invalidPatch(`testing value ${path} failed: test failed`);
    case 'OPERATION_PATH_UNRESOLVABLE':
      return invalidPatch(
        `${op?.op} operation does not apply: doc is missing path: "${path}": missing value`,
      );
    case 'OPERATION_FROM_UNRESOLVABLE':
      return invalidPatch(
        `${op?.op} operation does not apply: doc is missing from path: "${from}": missing value`,
      );
    case 'OPERATION_PATH_CANNOT_ADD':
      return invalidPatch(`add operation does not apply: doc is missing path: "${path}": missing value`);
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
      return invalidPatch(`${op?.op} operation does not apply: invalid index in path "${path}"`);
    case 'OPERATION_PATH_INVALID':
      return badRequest(`invalid path "${path}" in ${op?.op} operation: a JSON pointer must start with "/"`);
    default:
      return badRequest(`invalid JSON patch: ${error.message.split('\n')[0]}`);
  }
}
