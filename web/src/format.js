// Numbers, hashes and times as the console shows them. Pure functions, no chain access.

/// `amount` (plancks, a bigint or decimal string) in units of `decimals`, with thousands
/// separators and at most `maxFraction` fraction digits (rounded down), then `symbol`.
export function formatAmount(amount, decimals, symbol = '', maxFraction = 4) {
  const value = BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let fraction = decimals > 0 ? (abs % base).toString().padStart(decimals, '0').slice(0, maxFraction) : '';
  fraction = fraction.replace(/0+$/, '');
  const approx = decimals > 0 && (abs % base).toString().padStart(decimals, '0').slice(maxFraction).replace(/0/g, '') !== '';
  const text = `${negative ? '-' : ''}${approx ? '≈' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  return symbol ? `${text} ${symbol}` : text;
}

/// Parses a decimal amount typed by a person into plancks of `decimals`. Throws an Error whose
/// message says what is wrong: not a number, too many decimals, zero, or above u128.
export function parseAmount(text, decimals) {
  const trimmed = String(text ?? '').trim().replace(/_/g, '');
  if (trimmed === '') throw new Error('Enter an amount.');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new Error(`"${trimmed}" is not an amount: use digits and at most one decimal point, e.g. 12.5`);
  }
  const [whole, fraction = ''] = trimmed.split('.');
  if (fraction.length > decimals) {
    throw new Error(`At most ${decimals} decimal places for this token.`);
  }
  const plancks = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (plancks === 0n) throw new Error('The amount must be more than zero.');
  if (plancks >= 2n ** 128n) throw new Error('The amount is too large (above u128).');
  return plancks;
}

/// `0x1234…cdef` for long hex strings; short ones as they are.
export function shortHex(hex, keep = 6) {
  const text = String(hex);
  return text.length <= 2 + keep * 2 + 1 ? text : `${text.slice(0, 2 + keep)}…${text.slice(-keep)}`;
}

/// How long ago `timestampMs` was, relative to `nowMs`, in words: "12 s", "3 min", "2 h 5 min".
export function formatAge(timestampMs, nowMs = Date.now()) {
  if (timestampMs == null) return 'unknown';
  const seconds = Math.round((nowMs - Number(timestampMs)) / 1000);
  if (seconds < 0) return `in ${formatDuration(-seconds)}`;
  return `${formatDuration(seconds)} ago`;
}

export function formatDuration(seconds) {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

/// A Unix time in ms as an ISO-like local string without the date noise of `toString`.
export function formatTime(ms) {
  if (ms == null) return '—';
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/// The variant name and body of a serde-style enum value (`"RelayChain"` or `{ Committee: {…} }`).
export function variantOf(value) {
  if (value == null) return [null, null];
  if (typeof value === 'string') return [value, null];
  const [name] = Object.keys(value);
  return [name, value[name]];
}
