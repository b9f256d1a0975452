import { ApiError } from './api-error';
import { ConfirmedAction } from './confirmed-action';

describe('ConfirmedAction: one confirm step at a time, the failure with its row', () => {
  it('keeps the step open and says why when the action fails, and forgets it when a step opens again', async () => {
    const action = new ConfirmedAction();
    action.toggle('a', true);
    action.toggle('b', true);
    expect(action.open()).toBe('b');
    await action.run('b', () => Promise.reject(new ApiError(404, 'E_NOT_FOUND', 'Gone.')), 'Not revoked');
    expect(action.busy()).toBe(false);
    expect(action.open()).toBe('b');
    expect(action.errorOf('b')).toBe('Not revoked: Gone. (E_NOT_FOUND)');
    expect(action.errorOf('a')).toBeNull();
    action.toggle('a', true);
    expect(action.errorOf('b')).toBeNull();
  });

  it('closes the step when the action succeeds', async () => {
    const action = new ConfirmedAction();
    action.toggle('a', true);
    await action.run('a', async () => undefined, 'Not deleted');
    expect(action.open()).toBeNull();
    expect(action.errorOf('a')).toBeNull();
  });
});
