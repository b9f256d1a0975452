/** The provider and model a thread's new messages use; remembered per thread in this browser. */
export interface ModelChoice {
  provider: string;
  model: string;
}

export const OFFLINE_CHOICE: ModelChoice = { provider: 'offline', model: 'offline-scripted-1' };

const key = (threadId: string) => `omni.thread.${threadId}.model`;

export function loadChoice(threadId: string): ModelChoice {
  try {
    const saved = JSON.parse(localStorage.getItem(key(threadId)) ?? 'null') as ModelChoice | null;
    return saved && typeof saved.provider === 'string' && typeof saved.model === 'string' ? saved : OFFLINE_CHOICE;
  } catch {
    return OFFLINE_CHOICE;
  }
}

export function saveChoice(threadId: string, choice: ModelChoice): void {
  localStorage.setItem(key(threadId), JSON.stringify(choice));
}
