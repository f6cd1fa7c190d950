export { registerControllers } from './controllers.js';
export { createInformers } from './informers.js';
export { withKeepAlive } from './kube.js';
export { type Operator, type OperatorOptions, startOperator } from './operator.js';
