export { createTransport, TransportUnavailableError } from '../transport/factory.js';
export {
  SimulatedFleet,
  simulatorBehaviour,
} from '../transport/simulator/fleet.js';
export { CONTROLLERS, enqueueFor, registerControllers } from './controllers.js';
export { createInformers } from './informers.js';
export { clientFromConfig, withKeepAlive } from './kube.js';
export { COMPONENT, DEFAULT_IMAGE, type Operator, type OperatorOptions, startOperator } from './operator.js';
