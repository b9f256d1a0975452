import { DockerSandbox } from '@omniai/sandbox';
export const s = DockerSandbox;
