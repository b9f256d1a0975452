// The default pins live with the run contract (libs/contracts), shared by the API and the worker's trigger fires.
export { DEFAULT_PINS } from '@omniai/contracts';
