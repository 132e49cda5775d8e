/**
 * Containment on Okta: OAuth service apps, their client secrets and JSON Web Keys, service users and
 * API tokens, through {@link io.itdr.connector.okta.act.OktaActionExecutor}.
 */
package io.itdr.connector.okta.act;
