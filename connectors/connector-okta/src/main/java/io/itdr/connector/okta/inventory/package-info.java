/**
 * The Okta org's non-human identities (OAuth service apps, API tokens, service users) for the
 * engine's enrichment, through {@link io.itdr.connector.okta.inventory.OktaInventory}.
 */
package io.itdr.connector.okta.inventory;
