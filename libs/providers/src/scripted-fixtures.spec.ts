import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScriptedFixtures, parseScriptedFixtures } from './scripted-fixtures';
import { ScriptedProvider, SCRIPTED_MODEL } from './scripted-provider';

describe('scripted fixture files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'omni-fixtures-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every file in name order and drives the scripted provider, tool calls included', async () => {
    writeFileSync(join(dir, '20-b.json'), JSON.stringify({ fixtures: [{ match: 'ping', reply: 'second file' }] }));
    writeFileSync(
      join(dir, '10-a.json'),
      JSON.stringify({ fixtures: [{ match: '/^ping/i', reply: 'first file', tool_calls: [{ id: 'c1', name: 'text.count', arguments: { text: 'a b' } }] }] }),
    );
    writeFileSync(join(dir, 'README.md'), 'ignored');
    const fixtures = loadScriptedFixtures(dir);
    expect(fixtures.map((f) => f.reply)).toEqual(['first file', 'second file']);
    const reply = await new ScriptedProvider(fixtures).chatOnce({
      model: SCRIPTED_MODEL,
      messages: [{ role: 'user', content: 'Ping?' }],
      params: { delay_ms: 0 },
    });
    expect(reply.text).toBe('first file');
    expect(reply.tool_calls).toEqual([{ id: 'c1', name: 'text.count', arguments: '{"text":"a b"}' }]);
  });

  it('treats a missing folder as no fixtures', () => {
    expect(loadScriptedFixtures(join(dir, 'absent'))).toEqual([]);
  });

  it.each([
    ['{ not json', /bad\.json: not valid JSON/],
    [JSON.stringify({ fixtures: [{ match: '/(unclosed/', reply: 'x' }] }), /bad\.json: fixtures\.0\.match: not a valid \/regular expression\//],
    [JSON.stringify({ fixtures: [{ match: 'x', reply: 'y', extra: 1 }] }), /bad\.json: fixtures\.0: Unrecognized key/],
    [JSON.stringify({ fixtures: [{ match: 'x', reply: 'y', tool_calls: [{ id: 'c', name: 'rm -rf', arguments: {} }] }] }), /tool names are/],
  ])('rejects a malformed file with a message naming it: %s', (text, message) => {
    expect(() => parseScriptedFixtures(text, 'bad.json')).toThrow(message);
  });

  it('ships valid demo fixtures with the worker', () => {
    const shipped = loadScriptedFixtures(join(__dirname, '..', '..', '..', 'apps', 'worker', 'fixtures', 'scripted'));
    expect(shipped.length).toBeGreaterThan(0);
  });
});
