// Inline checks of the Create wizard's inputs. No `vscode` import (unit-tested). The name rules, and whether a name is
// taken in a resource group, live in src/identity/nameRules.ts; this adds what only the UI checks: the region's shape.
import type { Localize } from '../../identity/localize';

export function locationProblem(location: string, t: Localize): string | undefined {
  return /^[a-z0-9]+$/i.test(location.trim())
    ? undefined
    : t('Enter a region name such as eastus or westeurope (letters and digits only).');
}
