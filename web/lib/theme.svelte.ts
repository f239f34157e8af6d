type Theme = 'light' | 'dark';

const stored = localStorage.getItem('earshot-theme');

class ThemeState {
  current = $state<Theme>(stored === 'dark' || stored === 'light' ? stored : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

  toggle(): void {
    this.current = this.current === 'dark' ? 'light' : 'dark';
    localStorage.setItem('earshot-theme', this.current);
    this.apply();
  }

  apply(): void {
    document.documentElement.dataset.theme = this.current;
  }
}

export const theme = new ThemeState();
