import { manifestForMcpTool, McpToolError, mcpToolId, mcpToolVersion } from './mcp-manifest';
import { ToolManifest } from '@omniai/contracts';

const SERVER = { id: 'docs', url: 'https://mcp.example.org:8443/mcp', version: '2.1.0', hash: '0123456789abcdef'.repeat(4) };

describe('MCP tools as manifests', () => {
  it('names tools mcp.<server>.<tool>, normalized and at most 62 characters', () => {
    expect(mcpToolId('docs', 'Search.Pages')).toBe('mcp.docs.search_pages');
    const long = mcpToolId('docs', 'a'.repeat(80));
    expect(long).toMatch(/^mcp\.docs\.a+_[0-9a-f]{8}$/);
    expect(long.length).toBeLessThanOrEqual(62);
    expect(mcpToolId('docs', 'a'.repeat(80))).not.toBe(mcpToolId('docs', `${'a'.repeat(79)}b`));
    expect(() => mcpToolId('docs', '...')).toThrow(McpToolError);
  });

  it("takes the server's version when it is semver, else one derived from the listing's hash", () => {
    expect(mcpToolVersion('2.1.0', SERVER.hash)).toBe('2.1.0');
    expect(mcpToolVersion('2024-06 build 7', SERVER.hash)).toBe('0.0.0+0123456789ab');
    expect(mcpToolVersion('', SERVER.hash)).toBe('0.0.0+0123456789ab');
  });

  it('maps readOnlyHint to a read and anything else to an external write, keeping the other hints', () => {
    const read = manifestForMcpTool(SERVER, { name: 'find', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true, openWorldHint: true } });
    expect(ToolManifest.parse(read)).toEqual(read);
    expect(read.risk).toMatchObject({ side_effect: 'read', scopes: ['read_web'], egress_hosts: ['mcp.example.org'], hints: { open_world: true } });
    const unannotated = manifestForMcpTool(SERVER, { name: 'do', inputSchema: { type: 'object' } });
    expect(unannotated.risk).toMatchObject({ side_effect: 'external_write', scopes: ['write_web'] });
    expect(unannotated.risk.hints).toBeUndefined();
    const notReadOnly = manifestForMcpTool(SERVER, {
      name: 'rm',
      inputSchema: { type: 'object' },
      annotations: { readOnlyHint: false, destructiveHint: true },
    });
    expect(notReadOnly.risk).toMatchObject({ side_effect: 'external_write', hints: { destructive: true } });
    expect(notReadOnly.binding).toEqual({ type: 'mcp_remote', server_id: 'docs', tool_name: 'rm' });
  });

  it('refuses a tool whose schemas break the registration limits or use patterns RE2 cannot run (D43)', () => {
    const backref = { type: 'object', properties: { q: { type: 'string', pattern: '^(a)\\1$' } } };
    expect(() => manifestForMcpTool(SERVER, { name: 'x', inputSchema: backref })).toThrow(
      `x: the input schema cannot be used: the pattern ${JSON.stringify('^(a)\\1$')} is not supported (patterns are RE2: no backreferences or lookaround)`,
    );
    const huge = { type: 'object', description: 'x'.repeat(70_000) };
    expect(() => manifestForMcpTool(SERVER, { name: 'y', inputSchema: { type: 'object' }, outputSchema: huge })).toThrow(
      /^y: the output schema cannot be used: the schema is \d+ bytes of JSON/,
    );
  });

  it('refuses a tool whose input schema is not an object schema', () => {
    expect(() => manifestForMcpTool(SERVER, { name: 'x', inputSchema: { type: 'string' } })).toThrow('x: the input schema is not an object schema');
  });
});
