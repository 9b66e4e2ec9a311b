import { Secret, TOTP } from 'otpauth';

/** RFC 6238 TOTP, 6 digits, 30 s, SHA-1: what every authenticator app reads. */
export function totpFor(secretBase32: string, label = 'Prostor'): TOTP {
  return new TOTP({ issuer: 'Простор', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Accepts the code of the current period and one either side (clock drift). */
export function verifyTotp(secretBase32: string, code: string, now: Date): boolean {
  const cleaned = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(cleaned)) return false;
  return totpFor(secretBase32).validate({ token: cleaned, timestamp: now.getTime(), window: 1 }) !== null;
}

/** The time step (30 s period number) a valid code belongs to, or null: for replay protection. */
export function totpStep(secretBase32: string, code: string, now: Date): number | null {
  const cleaned = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(cleaned)) return null;
  const delta = totpFor(secretBase32).validate({ token: cleaned, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 30_000) + delta;
}
