// The preset data lives in the contracts (the API lists it, the console shows it); the adapters keep importing it
// from here.
export { PROVIDER_PRESETS, type ProviderPreset, presetById } from '@omniai/contracts';
