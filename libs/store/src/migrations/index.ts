import { PlatformInstance1763700000000 } from './1763700000000-platform-instance';
import { RunBackbone1763800000000 } from './1763800000000-run-backbone';
import { ProviderConfigs1763900000000 } from './1763900000000-provider-configs';
import { ModelPrices1764000000000 } from './1764000000000-model-prices';
import { RunBudgets1764100000000 } from './1764100000000-run-budgets';
import { RunPausedStatus1764200000000 } from './1764200000000-run-paused-status';
import { ToolRuntime1764300000000 } from './1764300000000-tool-runtime';
import { ProjectDocuments1764400000000 } from './1764400000000-project-documents';
import { OpenApiSpecs1764600000000 } from './1764600000000-openapi-specs';
import { Identity1764700000000 } from './1764700000000-identity';
import { ApprovalRules1764800000000 } from './1764800000000-approval-rules';
import { McpServers1764900000000 } from './1764900000000-mcp-servers';
import { RunResumes1765100000000 } from './1765100000000-run-resumes';
import { DatabaseIntegrity1765200000000 } from './1765200000000-database-integrity';
import { ScopedArtifacts1765300000000 } from './1765300000000-scoped-artifacts';
import { EngineReports1765500000000 } from './1765500000000-engine-reports';
import { LoginThrottle1765600000100 } from './1765600000100-login-throttle';
import { WorkflowGraphs1765700000000 } from './1765700000000-workflow-graphs';
import { GraphExecution1765700000900 } from './1765700000900-graph-execution';
import { GraphApi1765800000000 } from './1765800000000-graph-api';
import { Triggers1765900000000 } from './1765900000000-triggers';
import { RenameDocumentsSearch1766000000000 } from './1766000000000-rename-documents-search';
import { SearchBackends1766000000100 } from './1766000000100-search-backends';
import { ResearchRuns1766000000200 } from './1766000000200-research-runs';
import { McpHub1766100000000 } from './1766100000000-mcp-hub';

/** Every migration, oldest first. Migrations are the only way the schema changes (never `synchronize`). */
export const MIGRATIONS = [
  PlatformInstance1763700000000,
  RunBackbone1763800000000,
  ProviderConfigs1763900000000,
  ModelPrices1764000000000,
  RunBudgets1764100000000,
  RunPausedStatus1764200000000,
  ToolRuntime1764300000000,
  ProjectDocuments1764400000000,
  OpenApiSpecs1764600000000,
  Identity1764700000000,
  ApprovalRules1764800000000,
  McpServers1764900000000,
  RunResumes1765100000000,
  DatabaseIntegrity1765200000000,
  ScopedArtifacts1765300000000,
  EngineReports1765500000000,
  LoginThrottle1765600000100,
  WorkflowGraphs1765700000000,
  GraphExecution1765700000900,
  GraphApi1765800000000,
  Triggers1765900000000,
  RenameDocumentsSearch1766000000000,
  SearchBackends1766000000100,
  ResearchRuns1766000000200,
  McpHub1766100000000,
];
