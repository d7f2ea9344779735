/** How the demo shows times and numbers: UTC, so every machine (and screenshot) reads the same. */
const TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const formatTime = (ms: number) => `${TIME.format(ms)} UTC`;
export const formatNumber = (n: number) => NUMBER.format(n);
export const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
