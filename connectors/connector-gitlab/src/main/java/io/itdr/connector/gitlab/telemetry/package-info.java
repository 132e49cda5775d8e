/** Polling GitLab audit events from a persisted cursor. */
package io.itdr.connector.gitlab.telemetry;
