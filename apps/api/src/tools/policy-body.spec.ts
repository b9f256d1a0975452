import { ApiException } from '../errors/api.exception';
import { parseOrThrow } from '../errors/zod-body';
import { PolicyBody } from './policy-body';

const policy = (egress_allow: unknown[]) => ({ grants: [], kill_switch_external_writes: false, egress_allow });
const issues = (egress_allow: unknown[]) => {
  try {
    parseOrThrow(PolicyBody, policy(egress_allow));
    return [];
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    expect([err.code, err.status]).toEqual(['E_VALIDATION', 400]);
    return err.detail;
  }
};

describe('PUT /v1/policy: egress_allow entries (D44)', () => {
  it('accepts hosts, wildcards, ports and public addresses', () => {
    const ok = ['docs.example.org', '*.example.org', '*', 'api.example.com:8443', '*:8080', '93.184.216.34', '[2606:4700::1111]:443', ' padded.example '];
    expect(parseOrThrow(PolicyBody, policy(ok)).egress_allow).toEqual([...ok.slice(0, -1), 'padded.example']);
  });

  it.each([
    ['https://example.org', 'a scheme has no place in a host entry'],
    ['example.org/path', 'expected a host name'],
    ['user@example.org', 'expected a host name'],
    ['example.org:0', 'the port must be between 1 and 65535'],
    ['a*.example.org', 'expected a host name'],
    ['127.0.0.1', '127.0.0.1 is not a public address (loopback)'],
    ['10.1.2.3:8080', '10.1.2.3 is not a public address (private)'],
    ['169.254.169.254', '169.254.169.254 is not a public address (metadata)'],
    ['10.1.2.3:8080', 'only through an entry { "host": ..., "allow_private": true }'],
    ['[::1]', '[::1] is not a public address (loopback)'],
    ['2130706433', '127.0.0.1 is not a public address (loopback)'],
  ])('refuses %j with 400 naming the field', (entry, message) => {
    expect(issues(['example.org', entry])).toEqual([{ path: 'egress_allow.1', message: expect.stringContaining(message) }]);
  });

  it('accepts the object form: a named host or IP address with allow_private, a note, and a plain host without the flag', () => {
    const ok = [
      { host: '127.0.0.1:3001', allow_private: true, note: 'MCP server-everything on this machine' },
      { host: ' mcp.internal.example ', allow_private: true },
      { host: '[::1]:8080', allow_private: true },
      { host: '10.1.2.3', allow_private: true },
      { host: 'fd12:3456::1', allow_private: true },
      { host: '169.254.10.1', allow_private: true },
      { host: '*.example.org', allow_private: false },
      'docs.example.org',
    ];
    const parsed = parseOrThrow(PolicyBody, policy(ok)).egress_allow;
    expect(parsed?.[1]).toEqual({ host: 'mcp.internal.example', allow_private: true });
    expect(parsed).toHaveLength(ok.length);
  });

  it.each([
    [{ host: '*', allow_private: true }, 'egress_allow.1.allow_private', 'allow_private is only for one named host'],
    [{ host: '*.corp.example', allow_private: true }, 'egress_allow.1.allow_private', 'never for "*" or a "*.domain" wildcard'],
    [{ host: '*:3001', allow_private: true }, 'egress_allow.1.allow_private', 'allow_private is only for one named host'],
    [{ host: 'http://127.0.0.1:3001', allow_private: true }, 'egress_allow.1.host', 'a scheme has no place in a host entry'],
    [{ host: '169.254.169.254', allow_private: true }, 'egress_allow.1.host', '169.254.169.254 is not a public address (metadata); tools never reach it'],
    [{ host: '[fd00:ec2::254]', allow_private: true }, 'egress_allow.1.host', 'not a public address (metadata)'],
    [{ host: '0.0.0.0:3001', allow_private: true }, 'egress_allow.1.host', '0.0.0.0 is not a public address (unspecified); tools never reach it'],
    [{ host: '224.0.0.1', allow_private: true }, 'egress_allow.1.host', 'not a public address (multicast)'],
    [{ host: '255.255.255.255', allow_private: true }, 'egress_allow.1.host', 'not a public address (broadcast)'],
    [{ host: '127.0.0.1', allow_private: false }, 'egress_allow.1.host', '127.0.0.1 is not a public address (loopback)'],
    [{ host: '127.0.0.1', allow_private: 'yes' }, 'egress_allow.1', 'allow_private: Invalid input: expected boolean'],
    [{ host: '127.0.0.1' }, 'egress_allow.1', 'allow_private: Invalid input: expected boolean'],
    [{ host: 42, allow_private: true }, 'egress_allow.1', 'host: Invalid input: expected string'],
    [42, 'egress_allow.1', 'expected a host entry ("docs.example.org") or an object'],
    [{ host: '127.0.0.1', allow_private: true, port: 3001 }, 'egress_allow.1', 'port'],
    [{ host: 'mcp.example', allow_private: true, note: 'x'.repeat(201) }, 'egress_allow.1.note', 'Too big'],
  ])('refuses %j with 400 naming %s', (entry, path, message) => {
    expect(issues(['example.org', entry])).toEqual([{ path, message: expect.stringContaining(message) }]);
  });
});
