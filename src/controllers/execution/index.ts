export { DeviceIdIndex } from './device-ids.js';
export { UpdateExecutor, type UpdateExecutorOptions, updateCommand } from './executor.js';
export { ConcurrencyLedger, type LedgerOptions } from './ledger.js';
export { type Delivery, DeviceStateStore } from './state-store.js';
