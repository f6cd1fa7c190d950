// Reports each object the informers' decode kept out of the cache, on the object itself: a Warning Event
// (InvalidObject) and, where the status subresource takes it, Ready=False with reason InvalidSpec, both
// naming the field. Every other object's reconcile never sees it (it is not in the cache). Runs on the
// leader only, like the controllers, so one replica reports; each problem of an object is reported once
// per process, so the status write's own watch event does not report it again.
import type { Logger } from 'pino';
import { objectKey } from '../api/v1alpha1/keys.js';
import { ConditionType, ObjectReason } from '../api/v1alpha1/reasons.js';
import type { Condition } from '../core/shared/conditions.js';
import { setCondition } from '../core/shared/conditions.js';
import type { KubeClient } from '../k8s/client.js';
import type { EventRecorder } from '../k8s/events.js';
import type { KubeObject } from '../k8s/object.js';
import { resourcePath } from '../k8s/resource.js';
import type { Clock } from '../runtime/clock.js';
import type { Informer } from '../runtime/informer.js';
import type { Runnable } from '../runtime/manager.js';

export interface InvalidObjectReporterOptions {
  client: KubeClient;
  recorder: EventRecorder;
  clock: Clock;
  logger: Logger;
  informers: readonly Informer<KubeObject>[];
}

function conditionsOf(obj: KubeObject): Condition[] {
  const status = (obj as { status?: unknown }).status;
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return [];
  return conditions.filter(
    (c): c is Condition =>
      c !== null && typeof c === 'object' && typeof c.type === 'string' && typeof c.status === 'string',
  );
}

export function invalidObjectReporter(options: InvalidObjectReporterOptions): Runnable {
  const { client, recorder, clock, informers } = options;
  const log = options.logger.child({ component: 'invalid-objects' });
  const reported = new Map<string, string>();
  const unsubscribe: Array<() => void> = [];
  let running = false;

  const report = async (informer: Informer<KubeObject>, obj: KubeObject, problem: string) => {
    const key = `${informer.resource.kind}/${objectKey(obj)}`;
    if (!running || reported.get(key) === problem) return;
    reported.set(key, problem);
    const meta = {
      kind: informer.resource.kind,
      name: obj.metadata?.name,
      namespace: obj.metadata?.namespace,
    };
    log.warn({ ...meta, problem }, 'object ignored: it does not match its schema');
    await recorder.record(obj, 'Warning', ObjectReason.InvalidObject, problem);
    const conditions = setCondition(
      conditionsOf(obj),
      {
        type: ConditionType.Ready,
        status: 'False',
        reason: ObjectReason.InvalidSpec,
        message: problem,
        ...(typeof obj.metadata?.generation === 'number'
          ? { observedGeneration: obj.metadata.generation }
          : {}),
      },
      clock.now(),
    );
    const path = resourcePath(informer.resource, {
      namespace: obj.metadata?.namespace,
      name: obj.metadata?.name ?? '',
      subresource: 'status',
    });
    try {
      await client.mergePatch(path, { status: { conditions } });
    } catch (err) {
      // An object whose status the server refuses too keeps only the Event.
      log.info({ ...meta, err }, 'could not write Ready=False on an invalid object');
    }
  };

  return {
    name: 'invalid-objects',
    start() {
      running = true;
      for (const informer of informers) {
        const off = informer.addEventHandler({
          invalid: (obj, problem) => {
            report(informer, obj, problem).catch((err: unknown) =>
              log.warn({ err, kind: informer.resource.kind }, 'could not report an invalid object'),
            );
          },
          delete: (obj) => reported.delete(`${informer.resource.kind}/${objectKey(obj)}`),
        });
        unsubscribe.push(off);
      }
    },
    async stop() {
      running = false;
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}
