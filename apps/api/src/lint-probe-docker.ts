import { createDockerClient } from '@omniai/sandbox/docker-client';
export const d = createDockerClient;
