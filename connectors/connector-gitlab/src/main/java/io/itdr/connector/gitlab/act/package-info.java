/** Containment on GitLab: service accounts and project access tokens. */
package io.itdr.connector.gitlab.act;
