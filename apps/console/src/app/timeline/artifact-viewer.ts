import { Injectable, signal } from '@angular/core';

/** Opens an artifact's text in the viewer dialog (rendered by the workspace page). */
@Injectable({ providedIn: 'root' })
export class ArtifactViewer {
  readonly current = signal<{ sha256: string; text: string | null; error: string | null } | null>(null);

  async open(sha256: string): Promise<void> {
    this.current.set({ sha256, text: null, error: null });
    try {
      const res = await fetch(`/v1/artifacts/${sha256}`);
      if (!res.ok) throw new Error(`the API answered ${res.status}`);
      this.current.set({ sha256, text: await res.text(), error: null });
    } catch (err) {
      this.current.set({ sha256, text: null, error: err instanceof Error ? err.message : String(err) });
    }
  }

  close(): void {
    this.current.set(null);
  }
}
