import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import { partialReply, providerFailure } from './failures';

const fromActivity = (cause: Error) => new ActivityFailure('activity failed', 'generateReply', '1', 'NON_RETRYABLE_FAILURE', 'default', cause);

describe('providerFailure', () => {
  it('keeps an E_PROVIDER_* code and its user-safe message', () => {
    expect(providerFailure(fromActivity(ApplicationFailure.nonRetryable('slow down', 'E_PROVIDER_RATE_LIMITED')))).toEqual({
      code: 'E_PROVIDER_RATE_LIMITED',
      message: 'slow down',
    });
  });

  it('keeps E_EVENT_REJECTED (an append the store refused) so the run fails with a clear code', () => {
    expect(providerFailure(fromActivity(ApplicationFailure.nonRetryable('not stored', 'E_EVENT_REJECTED')))).toEqual({
      code: 'E_EVENT_REJECTED',
      message: 'not stored',
    });
  });

  it('maps anything else to E_PROVIDER_UNAVAILABLE', () => {
    expect(providerFailure(fromActivity(ApplicationFailure.nonRetryable('boom', 'TypeError')))).toEqual({ code: 'E_PROVIDER_UNAVAILABLE', message: 'boom' });
    expect(providerFailure(new Error('plain'))).toEqual({ code: 'E_PROVIDER_UNAVAILABLE', message: 'plain' });
    expect(providerFailure('text')).toEqual({ code: 'E_PROVIDER_UNAVAILABLE', message: 'text' });
  });
});

describe('partialReply', () => {
  it('is what the cancelled model call had said', () => {
    const partial = { content: { text: 'Half' }, usage: { input_tokens: 1, output_tokens: 1 } };
    expect(partialReply(fromActivity(new CancelledFailure('cancelled', [partial])))).toEqual(partial);
  });

  it('is nothing for other cancellations', () => {
    expect(partialReply(new CancelledFailure('cancelled'))).toBeUndefined();
    expect(partialReply(fromActivity(new CancelledFailure('cancelled')))).toBeUndefined();
  });
});
