// Run by sdkLogging.test.ts in a child process with AZURE_LOG_LEVEL set (the SDK reads it once, at load time):
// signs in as the service principal in the environment and makes a few calls through the extension's clients.
import { createServicePrincipalAccount } from '../../src/azure/account';
import { silentLogger } from '../../src/azure/logger';
import { resolveCloud } from '../../src/azure/settings';
import { IdentityOperations } from '../../src/identity/operations';
import { loadTree } from './harness';

async function main(): Promise<void> {
  const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, process.env);
  const account = createServicePrincipalAccount(process.env, cloud, silentLogger);
  const ops = new IdentityOperations(account.clients);
  const all = await loadTree(ops);
  await ops.searchGroups(all[0].subscription.subscriptionId, 'sg');
  process.stdout.write(`listed ${all.length} subscriptions\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
