import { Injectable } from '@nestjs/common';
import { createDockerClient } from '@omniai/sandbox/docker-client';
import type Docker from 'dockerode';
import { AppConfig } from '../config/app-config';

/** Read-only view of the Docker engine for health reporting; the API never runs containers itself. */
@Injectable()
export class DockerEngineService {
  private readonly docker: Docker;

  constructor(config: AppConfig) {
    this.docker = createDockerClient(config.dockerHost, { timeout: 3_000 });
  }

  async version(): Promise<string> {
    const v = await this.docker.version();
    return v.Version;
  }
}
