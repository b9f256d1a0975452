import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { omniDataConverter } from './data-converter';
import { failureConverter } from './failure-converter';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID, newPayloadKeyEntry, parsePayloadKeyring } from './payload-codec';
import { runRemoteCodec } from './remote-codec';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const secret = 'the user message: launch codes 0000';

describe('AesGcmPayloadCodec', () => {
  const k1 = newPayloadKeyEntry('k1');
  const k2 = newPayloadKeyEntry('k2');
  const codec = new AesGcmPayloadCodec(parsePayloadKeyring(k1));
  const plain = defaultPayloadConverter.toPayload({ message: secret });

  it('round-trips, naming the key and hiding the plaintext and its metadata', async () => {
    const [sealed] = await codec.encode([plain]);
    expect(text(sealed!.metadata![METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![ENCRYPTION_KEY_ID])).toBe('k1');
    expect(Object.keys(sealed!.metadata!).sort()).toEqual([ENCRYPTION_KEY_ID, METADATA_ENCODING_KEY].sort());
    expect(Buffer.from(sealed!.data!).includes(Buffer.from('launch codes'))).toBe(false);
    expect(Buffer.from(sealed!.data!).includes(Buffer.from('json/plain'))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ message: secret });
  });

  it('uses a fresh IV per payload', async () => {
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('after a rotation, seals with the new key and still opens what the old key sealed', async () => {
    const [old] = await codec.encode([plain]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeyring(`${k2},${k1}`));
    const [fresh] = await rotated.encode([plain]);
    expect(text(fresh!.metadata![ENCRYPTION_KEY_ID])).toBe('k2');
    const opened = await rotated.decode([old!, fresh!]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ message: secret }, { message: secret }]);
  });

  it('refuses an unknown key id clearly', async () => {
    const [sealed] = await new AesGcmPayloadCodec(parsePayloadKeyring(k2)).encode([plain]);
    await expect(codec.decode([sealed!])).rejects.toThrow(/unknown key id "k2".*OMNI_PAYLOAD_KEYS/);
  });

  it('refuses altered ciphertext and a relabelled key id', async () => {
    const [sealed] = await codec.encode([plain]);
    const data = Buffer.from(sealed!.data!);
    data[20]! ^= 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/failed authentication/);
    // Same key bytes under another id: the key id is associated data.
    const [, keyB64] = k1.split(':');
    const twin = new AesGcmPayloadCodec(parsePayloadKeyring(`k9:${keyB64}`));
    const relabelled: Payload = { ...sealed!, metadata: { ...sealed!.metadata, [ENCRYPTION_KEY_ID]: Buffer.from('k9') } };
    await expect(twin.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...sealed!, data: new Uint8Array(5) }])).rejects.toThrow(/malformed/);
  });

  it('passes plaintext payloads (histories recorded before the codec) through decode', async () => {
    const [same] = await codec.decode([plain]);
    expect(same).toBe(plain);
  });

  it('speaks the remote codec protocol (base64 JSON)', async () => {
    const [json] = await runRemoteCodec(codec, 'encode', [
      { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hi"').toString('base64') },
    ]);
    expect(Buffer.from(json!.metadata![ENCRYPTION_KEY_ID]!, 'base64').toString()).toBe('k1');
    const [back] = await runRemoteCodec(codec, 'decode', [json!]);
    expect(back).toEqual({ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hi"').toString('base64') });
  });
});

describe('parsePayloadKeyring', () => {
  it('takes the first key as the active one, commas or newlines between entries', () => {
    const ring = parsePayloadKeyring(`${newPayloadKeyEntry('new')}\n# comment\n${newPayloadKeyEntry('old')}\n`);
    expect(ring.activeId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old']);
  });

  it.each([
    ['', /holds no key/],
    ['nokey', /entry 1: expected id:base64key/],
    ['k1:c2hvcnQ=', /key "k1": must be 32 bytes/],
    [`${'a'.repeat(65)}:${Buffer.alloc(32).toString('base64')}`, /entry 1/],
    [`k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`, /appears twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePayloadKeyring(text)).toThrow(message);
  });

  it('never echoes key material in its errors', () => {
    const key = Buffer.alloc(31, 7).toString('base64');
    expect(() => parsePayloadKeyring(`k1:${key}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(key) }));
  });
});

describe('failureConverter', () => {
  it('moves failure messages and stacks into a payload, so that the codec seals them too', () => {
    const failure = failureConverter.errorToFailure(new Error(`tool said ${secret}`), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(defaultPayloadConverter.fromPayload(failure.encodedAttributes!)).toMatchObject({ message: `tool said ${secret}` });
  });

  it('is the one the data converter loads (in clients, workers and the workflow bundle)', () => {
    expect(omniDataConverter(parsePayloadKeyring(newPayloadKeyEntry('k1'))).failureConverterPath).toBe(require.resolve('./failure-converter'));
  });
});
