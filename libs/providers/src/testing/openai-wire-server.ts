import { json, pause, startWireServer, type WireServer } from './wire-server';

/**
 * Speaks OpenAI's Chat Completions wire format (shapes from its public API reference): `GET /v1/models` and
 * streaming `POST /v1/chat/completions`. The model name picks the behaviour:
 * `gpt-test` text, `gpt-tools` two tool calls in fragments, `gpt-429`, `gpt-500`, `gpt-cut` (socket closed
 * mid-stream); any other model answers 404 model_not_found. A wrong bearer key answers 401.
 */
export function startOpenAiWireServer(apiKey: string): Promise<WireServer> {
  return startWireServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    }
    if (req.method === 'GET' && req.path === '/v1/models') {
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'omniai-test' }] });
    }
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') return json(res, 404, { error: { message: 'not found' } });
    const model = String(req.body?.['model']);
    if (model === 'gpt-429')
      return json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' });
    if (model === 'gpt-500') return json(res, 500, { error: { message: 'The server had an error', type: 'server_error' } });
    if (!['gpt-test', 'gpt-tools', 'gpt-cut'].includes(model)) {
      return json(res, 404, { error: { message: `The model '${model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1700000000, model };
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) => res.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (model === 'gpt-tools') {
      send([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] },
          finish_reason: null,
        },
      ]);
      send([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, finish_reason: null }]);
      send([
        {
          index: 0,
          delta: { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
          finish_reason: null,
        },
      ]);
      send([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]);
    } else {
      for (const word of ['Hello', ' from', ' the', ' wire']) {
        send([{ index: 0, delta: { content: word }, finish_reason: null }]);
        await pause(5);
        if (model === 'gpt-cut' && word === ' from') return void res.socket?.destroy();
      }
      send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    }
    send([], { usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 } });
    res.end('data: [DONE]\n\n');
  });
}
