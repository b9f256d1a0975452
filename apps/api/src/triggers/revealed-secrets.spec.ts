import { inspect } from 'node:util';
import { RevealedSecrets } from './revealed-secrets';

describe('RevealedSecrets', () => {
  it('reveals each (id, owner) once and answers later asks from memory', async () => {
    const cache = new RevealedSecrets(10);
    let reads = 0;
    const reveal = (v: string) => async () => (reads++, v);
    expect(await cache.get('s1', 'trigger:a', reveal('one'))).toBe('one');
    expect(await cache.get('s1', 'trigger:a', reveal('other'))).toBe('one');
    expect(reads).toBe(1);
    // Another owner is another binding (the sealed secret's associated data): not answered from s1's entry.
    expect(await cache.get('s1', 'trigger:b', reveal('two'))).toBe('two');
    expect(reads).toBe(2);
  });

  it('stays within its bound, evicting the least recently used', async () => {
    const cache = new RevealedSecrets(2);
    await cache.get('a', 'o', async () => 'A');
    await cache.get('b', 'o', async () => 'B');
    await cache.get('a', 'o', async () => 'never'); // a is now the most recent
    await cache.get('c', 'o', async () => 'C'); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get('a', 'o', async () => 'A2')).toBe('A');
    expect(await cache.get('b', 'o', async () => 'B2')).toBe('B2');
    expect(cache.size).toBe(2);
  });

  it('caches nothing when the reveal fails, and never prints a plaintext', async () => {
    const cache = new RevealedSecrets(5);
    await expect(cache.get('x', 'o', async () => Promise.reject(new Error('does not open')))).rejects.toThrow('does not open');
    expect(cache.size).toBe(0);
    await cache.get('y', 'o', async () => 'whsec_plaintext');
    expect(JSON.stringify(cache)).not.toContain('whsec_plaintext');
    expect(inspect(cache, { depth: 5 })).not.toContain('whsec_plaintext');
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new RevealedSecrets(0)).toThrow();
  });
});
