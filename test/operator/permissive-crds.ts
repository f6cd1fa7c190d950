// The operator's CRDs as an older or looser installation might have had them: the same names, scope and
// status subresource, but a schema that takes anything. Objects written under them are stored as they are
// (no spec, fields of the wrong type, garbage in status), as objects left from an older CRD are.
import { allCrds } from '../../src/api/v1alpha1/crds.js';
import type { KubeClient } from '../../src/k8s/client.js';
import type { KubeObject } from '../../src/k8s/object.js';
import { eventually } from '../support/async.js';

type CrdStatus = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Creates the five CRDs with schemas that accept any object, and waits until they are Established. */
export async function createPermissiveCrds(client: KubeClient): Promise<void> {
  await createCrds(
    client,
    allCrds().map((crd) => {
      const versions = crd.spec.versions.map((v) => ({
        ...v,
        additionalPrinterColumns: [],
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      }));
      return { ...crd, spec: { ...crd.spec, versions } };
    }),
  );
}

/** Creates CRDs (default: the operator's own, from src/api) and waits until each is Established. */
export async function createCrds(
  client: KubeClient,
  crds: ReadonlyArray<{ metadata: { name: string } }> = allCrds(),
): Promise<void> {
  for (const crd of crds) await client.create(CRD_PATH, crd as never);
  for (const crd of crds) {
    await eventually(async () => {
      const live = await client.get<CrdStatus>(`${CRD_PATH}/${crd.metadata.name}`);
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    }, `${crd.metadata.name} is established`);
  }
}
