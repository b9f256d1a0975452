import Docker from 'dockerode';

/** A dockerode client honouring DOCKER_HOST (unix:// or tcp://), else the default socket. */
export function createDockerClient(dockerHost?: string): Docker {
  if (!dockerHost) return new Docker();
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375) });
}
