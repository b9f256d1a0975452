import { Injectable } from '@nestjs/common';
import Docker from 'dockerode';
import { AppConfig } from '../config/app-config';

/** Read-only view of the Docker engine for health reporting; the API never runs containers itself. */
@Injectable()
export class DockerEngineService {
  private readonly docker: Docker;

  constructor(config: AppConfig) {
    const host = config.dockerHost;
    if (!host) this.docker = new Docker({ timeout: 3_000 });
    else if (host.startsWith('unix://')) this.docker = new Docker({ socketPath: host.slice(7), timeout: 3_000 });
    else {
      const url = new URL(host.replace(/^tcp:/, 'http:'));
      this.docker = new Docker({ host: url.hostname, port: Number(url.port || 2375), timeout: 3_000 });
    }
  }

  async version(): Promise<string> {
    const v = await this.docker.version();
    return v.Version;
  }
}
