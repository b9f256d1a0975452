import { Webhook } from 'standardwebhooks';
import { curlCommand, hookUrl, sampleBody, shellQuote, signedDelivery, signWebhook } from './webhook-signature';

// A secret as the API makes them: `whsec_` and 24 random bytes in base64.
const SECRET = `whsec_${btoa('0123456789abcdef01234567')}`;

/** The argv a POSIX shell makes of a command written by curlCommand (single quotes and line continuations only). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && command[i + 1] === '\n') {
      i++;
    } else if (c === '\\') {
      word = (word ?? '') + command[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

describe('webhook signature', () => {
  it('signs as the standardwebhooks library verifies', async () => {
    const d = await signedDelivery(SECRET, 'http://127.0.0.1:3000/v1/hooks/abc', sampleBody('Nightly'));
    const verified = new Webhook(SECRET).verify(d.body, d.headers);
    expect(verified).toEqual({ event: 'test', source: 'omniai-console', trigger: 'Nightly' });
  });

  it('matches the library byte for byte', async () => {
    const ts = 1_700_000_000;
    const ours = await signWebhook(SECRET, 'msg_1', ts, '{"a":1}');
    expect(ours).toBe(new Webhook(SECRET).sign('msg_1', new Date(ts * 1000), '{"a":1}'));
  });

  it('fails verification with another secret or a changed body', async () => {
    const d = await signedDelivery(SECRET, 'http://x/v1/hooks/abc', '{"a":1}');
    const other = `whsec_${btoa('another secret of 24 b!!')}`;
    expect(() => new Webhook(other).verify(d.body, d.headers)).toThrow();
    expect(() => new Webhook(SECRET).verify('{"a":2}', d.headers)).toThrow();
  });

  it('is refused once the timestamp is more than 5 minutes old', async () => {
    const d = await signedDelivery(SECRET, 'http://x/v1/hooks/abc', '{}', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(() => new Webhook(SECRET).verify(d.body, d.headers)).toThrow(/too old/i);
  });

  it('writes a curl command whose words are the signed request', async () => {
    const body = JSON.stringify({ text: 'it\'s a "quote" and a \\ backslash', n: 1 });
    const d = await signedDelivery(SECRET, hookUrl('http://127.0.0.1:3000/', '/v1/hooks/abc'), body, { id: 'msg_x', timestamp: 1_700_000_000 });
    const words = shellWords(curlCommand(d));
    expect(words.slice(0, 5)).toEqual(['curl', '-sS', '-X', 'POST', 'http://127.0.0.1:3000/v1/hooks/abc']);
    const headers = Object.fromEntries(
      words.flatMap((w, i) => (w === '-H' ? [words[i + 1]!] : [])).map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 2)]),
    );
    expect(headers).toEqual(d.headers);
    expect(words[words.indexOf('--data-raw') + 1]).toBe(body);
    expect(new Webhook(SECRET).sign(headers['webhook-id'], new Date(1_700_000_000 * 1000), body)).toBe(headers['webhook-signature']);
  });

  it('quotes for a POSIX shell', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellWords(shellQuote("a'b c"))).toEqual(["a'b c"]);
  });
});
