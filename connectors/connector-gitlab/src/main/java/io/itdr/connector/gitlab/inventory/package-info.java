/** A group's or project's non-human identities: access tokens, deploy tokens, service accounts. */
package io.itdr.connector.gitlab.inventory;
