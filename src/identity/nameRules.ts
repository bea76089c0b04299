// Name rules: what ARM accepts as the name of a user-assigned identity or a VM, and whether a name is taken.

import { defaultLocalize, type Localize } from './localize';
import type { OsType } from './newVirtualMachine';
import { sameResourceId } from './resourceIds';

/**
 * Checks a user-assigned identity name against ARM's rules: 3 to 128 characters of letters, digits, hyphen and
 * underscore, starting with a letter or digit. Returns a message for a person, or undefined when the name is valid.
 */
export function validateUserAssignedIdentityName(name: string, t: Localize = defaultLocalize): string | undefined {
  if (name.length === 0) {
    return t('Enter a name for the user-assigned identity.');
  }
  if (name.length < 3 || name.length > 128) {
    return t("The name must be 3 to 128 characters long ('{0}' has {1}).", name, name.length);
  }
  if (!/^[A-Za-z0-9]/.test(name)) {
    return t('The name must start with a letter or a digit.');
  }
  const disallowed = disallowedCharacters(name, /[A-Za-z0-9_-]/g, t);
  if (disallowed) {
    return t('The name may contain only letters, digits, hyphens and underscores (not {0}).', disallowed);
  }
  return undefined;
}

/**
 * A VM name for ARM (1-64 letters, digits, hyphens, underscores, periods; no leading underscore, no trailing period
 * or hyphen) that also serves as the computer name: no underscore (and for Windows no period either), Windows at
 * most 15 characters and not only digits. Returns a message, or undefined when the name is valid.
 */
export function validateVirtualMachineName(name: string, osType: OsType | undefined, t: Localize = defaultLocalize): string | undefined {
  if (name.length === 0) {
    return t('Enter a name for the virtual machine.');
  }
  if (name.length > 64) {
    return t("The name must be 1 to 64 characters long ('{0}' has {1}).", name, name.length);
  }
  const disallowed = disallowedCharacters(name, /[A-Za-z0-9_.-]/g, t);
  if (disallowed) {
    return t('The name may contain only letters, digits, hyphens, underscores and periods (not {0}).', disallowed);
  }
  if (name.startsWith('_')) {
    return t('The name must not start with an underscore.');
  }
  if (/[.-]$/.test(name)) {
    return t('The name must not end with a period or a hyphen.');
  }
  if (name.includes('_')) {
    return t('The name is also the computer name, which may not contain an underscore.');
  }
  if (osType === 'Windows') {
    if (name.length > 15) {
      return t("A Windows computer name has at most 15 characters ('{0}' has {1}).", name, name.length);
    }
    if (name.includes('.')) {
      return t('A Windows computer name may not contain a period.');
    }
    if (/^\d+$/.test(name)) {
      return t('A Windows computer name may not consist only of digits.');
    }
  }
  return undefined;
}

/** The characters of `name` that `allowed` (a global character class) does not match, each once and as a person
 *  reads them ("space", "'/'"), or undefined when there are none. */
function disallowedCharacters(name: string, allowed: RegExp, t: Localize): string | undefined {
  const disallowed = [...new Set(name.replace(allowed, ''))];
  return disallowed.length > 0 ? disallowed.map((c) => (c === ' ' ? t('space') : `'${c}'`)).join(', ') : undefined;
}

/**
 * Identity and VM names are unique within a resource group (ARM compares them without regard to case), and creating
 * one with a taken name would overwrite it. `existingNamesInResourceGroup` are the names of that kind in `resourceGroup`.
 */
export function nameTakenProblem(
  kind: 'identity' | 'virtualMachine',
  name: string,
  resourceGroup: string,
  existingNamesInResourceGroup: readonly string[],
  t: Localize = defaultLocalize,
): string | undefined {
  const taken = existingNamesInResourceGroup.find((existing) => sameResourceId(existing, name.trim()));
  if (taken === undefined) {
    return undefined;
  }
  return kind === 'identity'
    ? t("An identity named '{0}' already exists in resource group '{1}'. Choose another name.", taken, resourceGroup)
    : t("A virtual machine named '{0}' already exists in resource group '{1}'. Choose another name.", taken, resourceGroup);
}

