import { Injectable, inject, signal } from '@angular/core';
import { ApiClient } from './api-client';
import { errorText } from './api-error';

/** Opens an artifact's text in the viewer dialog (rendered by the workspace page). */
@Injectable({ providedIn: 'root' })
export class ArtifactViewer {
  private readonly api = inject(ApiClient);
  readonly current = signal<{ sha256: string; text: string | null; error: string | null } | null>(null);

  /** Artifacts are served per run (`/v1/runs/:runId/artifacts/:sha256`): access follows the run's project. */
  async open(runId: string, sha256: string): Promise<void> {
    this.current.set({ sha256, text: null, error: null });
    try {
      const text = await this.api.artifactText(runId, sha256);
      if (this.current()?.sha256 === sha256) this.current.set({ sha256, text, error: null });
    } catch (err) {
      if (this.current()?.sha256 === sha256) this.current.set({ sha256, text: null, error: errorText(err) });
    }
  }

  close(): void {
    this.current.set(null);
  }
}
