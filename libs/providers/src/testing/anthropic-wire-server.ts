import { json, pause, startWireServer, type WireServer } from './wire-server';

/**
 * Speaks Anthropic's Messages wire format (shapes from its public API reference): `GET /v1/models` and streaming
 * `POST /v1/messages` with named SSE events. `claude-test` text, `claude-tools` a tool_use block in JSON fragments,
 * `claude-429`, `claude-529` (overloaded), `claude-cut` (socket closed mid-stream); others 404. Wrong key: 401.
 */
export function startAnthropicWireServer(apiKey: string): Promise<WireServer> {
  return startWireServer(async (req, res) => {
    const error = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
      json(res, status, { type: 'error', error: { type, message } }, headers);
    // The API takes the key as x-api-key; SDK 1.x sends it as a bearer token. Accept either, nothing else.
    const presented = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer /, '');
    if (presented !== apiKey) return error(401, 'authentication_error', 'invalid x-api-key');
    if (req.method === 'GET' && req.path === '/v1/models') {
      return json(res, 200, {
        data: [{ type: 'model', id: 'claude-test', display_name: 'Claude Test', created_at: '2026-01-01T00:00:00Z' }],
        has_more: false,
        first_id: 'claude-test',
        last_id: 'claude-test',
      });
    }
    if (req.method !== 'POST' || req.path !== '/v1/messages') return error(404, 'not_found_error', 'not found');
    const model = String(req.body?.['model']);
    if (model === 'claude-429') return error(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '7' });
    if (model === 'claude-529') return error(529, 'overloaded_error', 'Overloaded');
    if (!['claude-test', 'claude-tools', 'claude-cut'].includes(model)) return error(404, 'not_found_error', `model: ${model}`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (event: string, data: Record<string, unknown>) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    send('message_start', {
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1 },
      },
    });
    if (model === 'claude-tools') {
      send('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } });
      send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } });
      send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: 'ris"}' } });
      send('content_block_stop', { index: 0 });
      send('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } });
    } else {
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      for (const word of ['Hello', ' from', ' the', ' wire']) {
        send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: word } });
        await pause(5);
        if (model === 'claude-cut' && word === ' from') return void res.socket?.destroy();
      }
      send('content_block_stop', { index: 0 });
      send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } });
    }
    send('message_stop', {});
    res.end();
  });
}
