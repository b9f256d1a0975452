import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { ProjectDocument, PutDocumentRequest } from '@omniai/contracts';
import { DocumentError, DocumentStore, RunStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

/** Where the shipped research sample corpus lives (libs/research/corpus, openly licensed texts of our own). */
const CORPUS_DIR = join(dirname(require.resolve('@omniai/research/package.json')), 'corpus');
/** The folder the sample corpus is added under in a project. */
export const SAMPLE_CORPUS_PREFIX = 'research-corpus';

/** A project's documents: what `documents.search` and research runs search. */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly documents: DocumentStore,
    private readonly runs: RunStore,
  ) {}

  async list(projectId: string): Promise<{ items: ProjectDocument[] }> {
    await this.project(projectId);
    const docs = await this.documents.list(projectId);
    return {
      items: docs.map((d) => ({
        path: d.path,
        media_type: d.media_type,
        version: d.current_version,
        sha256: d.sha256,
        size_bytes: d.size_bytes,
        updated_at: d.updated_at,
      })),
    };
  }

  async put(projectId: string, body: PutDocumentRequest): Promise<ProjectDocument> {
    await this.project(projectId);
    try {
      // The version just written is the current one: the answer needs no read back.
      const ref = await this.documents.ingest(projectId, body.path, body.text, body.media_type);
      return { path: ref.path, media_type: ref.media_type, version: ref.version, sha256: ref.sha256, size_bytes: ref.size_bytes, updated_at: ref.created_at };
    } catch (err) {
      // The store's own path and text rules (no `..`, no control characters, valid UTF-8) are a client's mistake.
      if (err instanceof DocumentError) throw new ApiException('E_VALIDATION', err.message, [{ path: 'path', message: err.message }]);
      throw err;
    }
  }

  /** Adds the sample corpus under `research-corpus/` (a file already there at the same text is left as it is). */
  async loadSampleCorpus(projectId: string): Promise<{ items: ProjectDocument[] }> {
    await this.project(projectId);
    const names = readdirSync(CORPUS_DIR)
      .filter((n) => n.endsWith('.md'))
      .sort();
    for (const name of names) {
      const path = `${SAMPLE_CORPUS_PREFIX}/${name}`;
      const text = readFileSync(join(CORPUS_DIR, name), 'utf8');
      const current = await this.documents.get(projectId, path);
      if (current?.text !== text) await this.put(projectId, { path, text, media_type: 'text/markdown' });
    }
    const all = await this.list(projectId);
    return { items: all.items.filter((d) => d.path.startsWith(`${SAMPLE_CORPUS_PREFIX}/`)) };
  }

  private async project(projectId: string): Promise<void> {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
  }
}
