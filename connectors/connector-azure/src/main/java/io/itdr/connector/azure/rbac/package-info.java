/** Azure RBAC through Azure Resource Manager: role assignments of workload identities and their role definitions. */
package io.itdr.connector.azure.rbac;
