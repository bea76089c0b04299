// The demo seed's names (the team guide's list) for tests that run against it.
import { loadSeed } from './state';
import type { SeedPrincipal } from './types';

export const demoSeed = loadSeed(undefined);

function servicePrincipal(displayName: string): SeedPrincipal {
  const found = demoSeed.principals.find((p) => p.displayName === displayName);
  if (!found?.appId || !found.secret) throw new Error(`The demo seed has no service principal ${displayName}.`);
  return found;
}

export const demo = {
  tenantId: '8f3e1a2b-4c5d-4e6f-9a0b-1c2d3e4f5a6b',
  production: 'c0ffee00-0000-4000-8000-000000000001',
  development: 'c0ffee00-0000-4000-8000-000000000002',
  admin: servicePrincipal('sp-identity-admin'),
  reader: servicePrincipal('sp-reader'),
  vmContributor: servicePrincipal('sp-vm-contributor'),
  seed: demoSeed,
};
