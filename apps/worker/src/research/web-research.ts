import type { PolicyStore, SearchBackendStore } from '@omniai/store';
import { Context } from '@temporalio/activity';
import { createWebSearchBackend, type ReadWebSourceOptions, readWebSource } from '@omniai/tools';
import { waitForDatabase } from '../activities/wait-for-database';
import { SourceError, type WebResearch } from './research.activities';

/** TEST ONLY: connection options of web searches and reads (a stand-in network reaching local servers). */
export type WebConnect = Omit<Partial<ReadWebSourceOptions>, 'allowHosts' | 'signal' | 'maxBytes' | 'maxChars' | 'timeoutMs' | 'userAgent' | 'robots'>;

export interface WebResearchDeps {
  backends: SearchBackendStore;
  policies: PolicyStore;
  connect?: WebConnect;
}

/**
 * Web search and reading for research runs: both through safeFetch with the workspace egress allowlist as it is at
 * the moment of the call (like `web.fetch_extract`), so a backend's or a page's host is reached only when allowed.
 * The backend's key is revealed for each search and dropped after it. Failures are ToolErrors or ResearchErrors with
 * stable codes, which the activities record per source or backend. Both run inside a research activity, whose
 * cancellation (run cancelled, activity timed out) aborts the request in flight.
 */
export function createWebResearch(deps: WebResearchDeps): WebResearch {
  const allowHosts = async () => (await waitForDatabase(() => deps.policies.get())).egress_allow ?? [];
  return {
    async search({ request, query, limit }) {
      const web = request.sources.web;
      if (!web) throw new SourceError('E_CAPABILITY_DISABLED', 'this run has no web search backend');
      const config = await waitForDatabase(() => deps.backends.reveal(web.backend_id));
      if (!config) throw new SourceError('E_NOT_FOUND', `the search backend ${web.backend_id} was removed`);
      return createWebSearchBackend(config, { ...deps.connect, allowHosts: await allowHosts() }).search(query, limit, {
        signal: Context.current().cancellationSignal,
      });
    },
    async read({ url }) {
      return readWebSource(url, { ...deps.connect, allowHosts: await allowHosts(), signal: Context.current().cancellationSignal });
    },
  };
}
