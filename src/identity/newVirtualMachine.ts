// Creating a VM with managed identities: the request, its rules (VM name, admin user name, Windows password, SSH
// key) and the pure builders of the identity block and the complete ARM PUT body. No `vscode` import here.
// The body is complete enough for real Azure: image, size, managed OS disk, OS profile, and a NIC that Compute
// creates itself from `networkInterfaceConfigurations` (so no network resource is created by us).
import { identityTypeOf, uniqueIds } from './identityChange';
import { defaultLocalize, type Localize } from './localize';
import type { IdentityType } from './model';
import { quoteList } from './localize';
import { validateVirtualMachineName } from './nameRules';

export type OsType = 'Linux' | 'Windows';

/** A marketplace image the wizard offers. */
export interface VmImage {
  label: string;
  osType: OsType;
  publisher: string;
  offer: string;
  sku: string;
  version: string;
}

export const VM_IMAGES: readonly VmImage[] = [
  { label: 'Ubuntu Server 24.04 LTS', osType: 'Linux', publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
  { label: 'Debian 12', osType: 'Linux', publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' },
  {
    label: 'Windows Server 2022 Datacenter',
    osType: 'Windows',
    publisher: 'MicrosoftWindowsServer',
    offer: 'WindowsServer',
    sku: '2022-datacenter-azure-edition',
    version: 'latest',
  },
];

export const DEFAULT_VM_SIZE = 'Standard_B2s';
/** Small general-purpose sizes, the default first. */
export const VM_SIZES: readonly string[] = [DEFAULT_VM_SIZE, 'Standard_B2ms', 'Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_B1s'];

/** Compute creates the NIC with this API version of Microsoft.Network. */
const NETWORK_API_VERSION = '2020-11-01';

/** How the administrator signs in: an SSH public key (Linux) or a password (Windows). */
export type AdminCredential = { kind: 'sshPublicKey'; publicKey: string } | { kind: 'password'; password: string };

export interface CreateVirtualMachineRequest {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  image: VmImage;
  vmSize: string;
  adminUsername: string;
  credential: AdminCredential;
  /** Full resource id of an existing subnet in the VM's location. */
  subnetId: string;
  systemAssigned: boolean;
  /** Full resource ids of user-assigned identities to attach. */
  userAssignedIdentityIds: string[];
}

/** The VM's `identity` in a create: ARM's type and, when any, each user-assigned id with an empty object. */
interface NewVmIdentity {
  type: IdentityType;
  userAssignedIdentities?: Record<string, Record<string, never>>;
}

/** The JSON body of PUT .../virtualMachines/{name} (ARM's wire shape). */
export interface VirtualMachineBody {
  location: string;
  identity: NewVmIdentity;
  properties: {
    hardwareProfile: { vmSize: string };
    storageProfile: {
      imageReference: { publisher: string; offer: string; sku: string; version: string };
      osDisk: { createOption: 'FromImage'; deleteOption: 'Delete'; managedDisk: { storageAccountType: 'StandardSSD_LRS' } };
    };
    osProfile: {
      computerName: string;
      adminUsername: string;
      adminPassword?: string;
      linuxConfiguration?: { disablePasswordAuthentication: true; ssh: { publicKeys: { path: string; keyData: string }[] } };
      windowsConfiguration?: { provisionVMAgent: true; enableAutomaticUpdates: true };
    };
    networkProfile: {
      networkApiVersion: string;
      networkInterfaceConfigurations: {
        name: string;
        properties: {
          primary: true;
          deleteOption: 'Delete';
          ipConfigurations: { name: string; properties: { subnet: { id: string } } }[];
        };
      }[];
    };
  };
}

/** The identity block of a new VM (pure). Ids are kept as given; duplicates differing only in case are sent once. */
export function newVmIdentity(systemAssigned: boolean, userAssignedIdentityIds: readonly string[]): NewVmIdentity {
  const unique = uniqueIds(userAssignedIdentityIds);
  const type = identityTypeOf(systemAssigned, unique.length);
  return unique.length > 0 ? { type, userAssignedIdentities: Object.fromEntries(unique.map((id) => [id, {}])) } : { type };
}

/** The complete PUT body for the request (pure). The VM's name is also its computer name. */
export function virtualMachineBody(request: CreateVirtualMachineRequest): VirtualMachineBody {
  const { image, credential, adminUsername, name } = request;
  const osProfile: VirtualMachineBody['properties']['osProfile'] =
    credential.kind === 'sshPublicKey'
      ? {
          computerName: name,
          adminUsername,
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: { publicKeys: [{ path: `/home/${adminUsername}/.ssh/authorized_keys`, keyData: credential.publicKey.trim() }] },
          },
        }
      : { computerName: name, adminUsername, adminPassword: credential.password, windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } };
  return {
    location: request.location,
    identity: newVmIdentity(request.systemAssigned, request.userAssignedIdentityIds),
    properties: {
      hardwareProfile: { vmSize: request.vmSize },
      storageProfile: {
        imageReference: { publisher: image.publisher, offer: image.offer, sku: image.sku, version: image.version },
        osDisk: { createOption: 'FromImage', deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' } },
      },
      osProfile,
      networkProfile: {
        networkApiVersion: NETWORK_API_VERSION,
        networkInterfaceConfigurations: [
          {
            name: `${name}-nic`,
            properties: {
              primary: true,
              deleteOption: 'Delete',
              ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: request.subnetId } } }],
            },
          },
        ],
      },
    },
  };
}

/** Describes the identities of a new VM for a notification, e.g. "a system-assigned identity and 'id-backend'". */
export function describeNewVmIdentity(systemAssigned: boolean, userAssignedNames: readonly string[], t: Localize = defaultLocalize): string {
  const names = quoteList(userAssignedNames);
  if (systemAssigned && names) {
    return t('a system-assigned identity and the user-assigned {0}', names);
  }
  if (systemAssigned) {
    return t('a system-assigned identity');
  }
  return t('the user-assigned {0}', names);
}

/** Names Azure refuses as the administrator's user name (osProfile.adminUsername). */
const RESERVED_ADMIN_NAMES = new Set([
  'administrator', 'admin', 'user', 'user1', 'test', 'user2', 'test1', 'user3', 'admin1', '1', '123', 'a', 'actuser', 'adm', 'admin2',
  'aspnet', 'backup', 'console', 'david', 'guest', 'john', 'owner', 'root', 'server', 'sql', 'support', 'support_388945a0', 'sys',
  'test2', 'test3', 'user4', 'user5',
]);

/** Azure's rules for the administrator's user name: at most 20 (Windows) or 32 (Linux) characters, not reserved. */
export function validateAdminUsername(username: string, osType: OsType, t: Localize = defaultLocalize): string | undefined {
  if (username.length === 0) {
    return t('Enter the administrator user name.');
  }
  const max = osType === 'Windows' ? 20 : 32;
  if (username.length > max) {
    return t('The user name has at most {0} characters on {1}.', max, osType);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(username) || /^[-.0-9]/.test(username) || username.endsWith('.')) {
    return t('Use letters, digits, hyphens, underscores and periods, starting with a letter or an underscore and not ending with a period.');
  }
  if (RESERVED_ADMIN_NAMES.has(username.toLowerCase())) {
    return t("Azure does not allow '{0}' as the administrator user name.", username);
  }
  return undefined;
}

/**
 * Azure's Windows password rules: 12 to 123 characters and three of lower case, upper case, digit and special
 * character. The message never repeats the password.
 */
export function validateWindowsPassword(password: string, t: Localize = defaultLocalize): string | undefined {
  if (password.length < 12 || password.length > 123) {
    return t('The password must be 12 to 123 characters long.');
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (classes < 3) {
    return t('The password must contain three of: a lower-case letter, an upper-case letter, a digit, a special character.');
  }
  return undefined;
}

/** An OpenSSH public key line of a type Azure accepts (RSA or Ed25519). */
export function validateSshPublicKey(key: string, t: Localize = defaultLocalize): string | undefined {
  return /^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/.test(key.trim())
    ? undefined
    : t('Paste an OpenSSH public key that starts with ssh-rsa or ssh-ed25519 (the contents of a .pub file).');
}

/** Everything wrong with a request before anything is sent; undefined when it may be sent. */
export function createVirtualMachineProblem(request: CreateVirtualMachineRequest, t: Localize = defaultLocalize): string | undefined {
  const { credential, image } = request;
  return (
    validateVirtualMachineName(request.name, image.osType, t) ??
    (request.resourceGroup.trim() ? undefined : t('Choose a resource group.')) ??
    (request.location.trim() ? undefined : t('Choose a location.')) ??
    (request.vmSize.trim() ? undefined : t('Choose a size.')) ??
    validateAdminUsername(request.adminUsername, image.osType, t) ??
    (image.osType === 'Windows'
      ? credential.kind === 'password'
        ? validateWindowsPassword(credential.password, t)
        : t('A Windows virtual machine needs an administrator password.')
      : credential.kind === 'sshPublicKey'
        ? validateSshPublicKey(credential.publicKey, t)
        : t('A Linux virtual machine here signs in with an SSH public key.')) ??
    (request.subnetId.trim() ? undefined : t('Choose a subnet.')) ??
    (request.systemAssigned || request.userAssignedIdentityIds.length > 0
      ? undefined
      : t('Choose at least one identity: the system-assigned identity or a user-assigned identity.'))
  );
}
