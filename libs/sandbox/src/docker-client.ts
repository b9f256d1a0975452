import Docker from 'dockerode';

/**
 * The one dockerode client factory: honours DOCKER_HOST (`unix://` or `tcp://`), else dockerode's default socket.
 * Exported on its own as `@omniai/sandbox/docker-client` for worker-side code that needs the engine, not the adapters.
 * The API may not import it: it holds no Docker socket and reads the engine from the worker's report (D39).
 */
export function createDockerClient(dockerHost?: string, options: Pick<Docker.DockerOptions, 'timeout'> = {}): Docker {
  if (!dockerHost) return new Docker({ ...options });
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length), ...options });
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), ...options });
}
