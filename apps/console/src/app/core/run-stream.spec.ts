import { RunStream, type StreamState } from './run-stream';

// fetch is the browser's; here a stand-in answers the stream request with a chosen status.
function answering(status: number): jest.SpyInstance {
  return jest.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(status === 200 ? '' : '{}', { status }));
}

function follow(): { states: Array<[StreamState, string | undefined]>; signedOut: jest.Mock; stream: RunStream } {
  const states: Array<[StreamState, string | undefined]> = [];
  const signedOut = jest.fn();
  const stream = new RunStream('r1', { onEvent: () => undefined, onDelta: () => undefined, onState: (s, d) => states.push([s, d]), onSignedOut: signedOut });
  return { states, signedOut, stream };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('RunStream', () => {
  afterEach(() => jest.restoreAllMocks());

  it('stops and reports a signed-out session on 401, without retrying', async () => {
    const fetch = answering(401);
    const { states, signedOut, stream } = follow();
    stream.start();
    await settle();
    expect(signedOut).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toEqual(['failed', 'Your session ended: sign in again.']);
    expect(fetch).toHaveBeenCalledTimes(1);
    stream.stop();
  });

  it('says a missing run does not exist (404)', async () => {
    answering(404);
    const { states, signedOut, stream } = follow();
    stream.start();
    await settle();
    expect(states.at(-1)).toEqual(['failed', 'This run does not exist.']);
    expect(signedOut).not.toHaveBeenCalled();
    stream.stop();
  });

  it('retries with backoff after a server error', async () => {
    answering(503);
    const { states, stream } = follow();
    stream.start();
    await settle();
    expect(states.at(-1)?.[0]).toBe('reconnecting');
    stream.stop();
  });
});
