import { Injectable, signal } from '@angular/core';

export type Theme = 'light' | 'dark';

/** Light/dark theme: follows the system until the user picks one, then remembers the choice. */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  readonly theme = signal<Theme>(this.initial());

  constructor() {
    this.apply(this.theme());
  }

  toggle(): void {
    const next: Theme = this.theme() === 'dark' ? 'light' : 'dark';
    this.theme.set(next);
    localStorage.setItem('omni.theme', next);
    this.apply(next);
  }

  private initial(): Theme {
    const saved = localStorage.getItem('omni.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  private apply(theme: Theme): void {
    document.documentElement.dataset['theme'] = theme;
  }
}
