/** The organization's non-human identities: GitHub App installations, deploy keys, fine-grained personal access tokens. */
package io.itdr.connector.github.inventory;
