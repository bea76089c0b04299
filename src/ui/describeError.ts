// One line for a person from anything thrown. IdentityError messages already name the missing role or resource.
import { redactSecrets } from '../identity/redact';

export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message);
}
