import { MAX_FUNCTION_NAME_LENGTH, toolFunctionName, toolIdOfFunctionName } from './tool-catalog';

const PROVIDER_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe('toolFunctionName (tool id → model function name)', () => {
  it('keeps the names of the built-in tools', () => {
    expect(toolFunctionName('web.fetch_extract')).toBe('web__fetch_extract');
    expect(toolFunctionName('python.compute')).toBe('python__compute');
    expect(toolFunctionName('files.ingest')).toBe('files__ingest');
    expect(toolFunctionName('api.shop.getitem')).toBe('api__shop__getitem');
  });

  it('gives ids that used to collide distinct names, each decoding back to its id', () => {
    const colliding = [
      ['a.b', 'a__b'],
      ['x_.y', 'x._y'],
      ['api.x__y.z', 'api.x.y__z', 'api.x_.y_.z', 'api.x._y._z'],
      ['p..q', 'p.__q', 'p__.q', 'p____q'],
    ];
    for (const ids of colliding) {
      const names = ids.map(toolFunctionName);
      expect(new Set(names).size).toBe(ids.length);
      for (const [i, name] of names.entries()) {
        expect(name).toMatch(PROVIDER_NAME);
        expect(toolIdOfFunctionName(name)).toBe(ids[i]);
      }
    }
  });

  it('fits over-long ids into the provider limit with a hash, deterministically and distinctly', () => {
    const long = (tail: string) => `api.${'very_long_service_name.'.repeat(4)}${tail}`;
    const [a, b] = [toolFunctionName(long('get')), toolFunctionName(long('put'))];
    expect(a).toMatch(PROVIDER_NAME);
    expect(a).toHaveLength(MAX_FUNCTION_NAME_LENGTH);
    expect(a).not.toBe(b);
    expect(toolFunctionName(long('get'))).toBe(a);
    expect(toolIdOfFunctionName(a)).toBeNull();
  });
});
