/** The Okta connector: System Log telemetry, service-app inventory and reversible containment. */
package io.itdr.connector.okta;
