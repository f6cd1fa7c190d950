// Every builder's last step: the object defaulted through its CRD schema by the code preview admits objects
// with (src/cli/preview/admission.ts, on the apimachinery package the embedded API server uses), so a test
// object reads as what the API server would store. Problems are not thrown: tests of invalid input build
// invalid objects on purpose, and the API server (or the decision under test) is the one to say so.
import { admit } from '../../../src/cli/preview/admission.js';

export const API = 'teamsdevices.io/v1alpha1' as const;

export function defaulted<T extends { kind: string }>(object: T): T {
  return admit(object.kind, object as unknown as Record<string, unknown>).object as unknown as T;
}
