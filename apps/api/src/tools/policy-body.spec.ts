import { ApiException } from '../errors/api.exception';
import { parseOrThrow } from '../errors/zod-body';
import { PolicyBody } from './policy-body';

const policy = (egress_allow: string[]) => ({ grants: [], kill_switch_external_writes: false, egress_allow });
const issues = (egress_allow: string[]) => {
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
    ['169.254.169.254', '169.254.169.254 is not a public address (link-local)'],
    ['[::1]', '[::1] is not a public address (loopback)'],
    ['2130706433', '127.0.0.1 is not a public address (loopback)'],
  ])('refuses %j with 400 naming the field', (entry, message) => {
    expect(issues(['example.org', entry])).toEqual([{ path: 'egress_allow.1', message: expect.stringContaining(message) }]);
  });
});
