// Inline checks of the Create wizard's inputs. No `vscode` import (unit-tested). The name rules themselves live in
// src/identity/names.ts (validateUserAssignedIdentityName); this adds what only the UI knows: the names already taken and the region's shape.
import type { UserAssignedIdentity } from '../../identity/model';
import type { Localize } from '../../identity/localize';

/** Names are unique per resource group; refusing any name taken in the subscription keeps the choice unambiguous. */
export function identityNameTakenProblem(name: string, existing: UserAssignedIdentity[], t: Localize): string | undefined {
  const taken = existing.find((identity) => identity.name.toLowerCase() === name.toLowerCase());
  return taken
    ? t("An identity named '{0}' already exists in resource group '{1}'. Choose another name.", taken.name, taken.resourceGroup)
    : undefined;
}

export function locationProblem(location: string, t: Localize): string | undefined {
  return /^[a-z0-9]+$/i.test(location.trim())
    ? undefined
    : t('Enter a region name such as eastus or westeurope (letters and digits only).');
}
