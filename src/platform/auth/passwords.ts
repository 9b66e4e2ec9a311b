import { hash, verify, Algorithm } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
const options = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so that timing does not reveal unknown logins.
    await hash(password, options);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Rules a new password must meet; returns the problem in Russian/English or null. */
export function passwordProblem(password: string): { ru: string; en: string } | null {
  if (password.length < 10) return { ru: 'Пароль должен быть не короче 10 символов', en: 'The password must be at least 10 characters long' };
  if (password.length > 200) return { ru: 'Пароль слишком длинный', en: 'The password is too long' };
  return null;
}
