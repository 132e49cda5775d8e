/** Containment on GitLab: accounts, deploy keys and project access tokens. */
package io.itdr.connector.gitlab.act;
