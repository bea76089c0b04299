// The VMs view's id (package.json's views), apart from the tree so that the activation shell can name the view
// without loading the tree's code.
export const VMS_VIEW_ID = 'azureVmIdentities.vms';
