/** Normalizing GitLab audit events: API pages, exports and streamed events. */
package io.itdr.connector.gitlab.normalize;
