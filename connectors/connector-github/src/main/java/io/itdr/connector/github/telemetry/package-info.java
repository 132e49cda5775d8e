/** Polling the GitHub organization audit log from a persisted cursor. */
package io.itdr.connector.github.telemetry;
