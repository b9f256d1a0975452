// Both live where the API can reach them too (it registers manifests derived from OpenAPI documents); re-exported
// here so that tool code keeps one import for them.
export { canonicalJson } from '@omniai/contracts';
export { manifestHash } from '@omniai/store';
