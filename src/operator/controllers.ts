// The operator's controllers, and how each is wired to its queue.
import { deviceController } from '../controllers/device/index.js';
import { planController } from '../controllers/plan/index.js';
import { policyController } from '../controllers/policy/index.js';
import { poolController } from '../controllers/pool/index.js';
import { releaseController } from '../controllers/release/index.js';
import type { ControllerFactory, Enqueue, OperatorContext } from '../controllers/types.js';
import type { Controller } from '../runtime/controller.js';
import type { Manager } from '../runtime/manager.js';

/** Every controller of the operator, in the order they start. */
export const CONTROLLERS: readonly ControllerFactory[] = [
  deviceController,
  releaseController,
  planController,
  policyController,
  poolController,
];

/** The Enqueue a registration's watch() gets: add now, or after a delay on the operator's clock. */
export function enqueueFor(controller: Controller): Enqueue {
  const enqueue = (key: string) => controller.enqueue(key);
  return Object.assign(enqueue, { after: (key: string, ms: number) => controller.queue.addAfter(key, ms) });
}

/** Builds each controller from its factory, registers it with the manager and lets it subscribe. */
export function registerControllers(
  manager: Manager,
  ctx: OperatorContext,
  factories: readonly ControllerFactory[] = CONTROLLERS,
): Map<string, Controller> {
  const controllers = new Map<string, Controller>();
  for (const factory of factories) {
    const reg = factory(ctx);
    if (controllers.has(reg.name)) throw new Error(`two controllers are named ${reg.name}`);
    const controller = manager.controller(reg.name, reg.reconciler, {
      ...(reg.concurrency === undefined ? {} : { concurrency: reg.concurrency }),
    });
    reg.watch(enqueueFor(controller));
    controllers.set(reg.name, controller);
  }
  return controllers;
}
