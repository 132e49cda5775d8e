/** Normalizing Entra sign-ins, directory audits, Identity Protection risk and the Azure Activity log. */
package io.itdr.connector.azure.normalize;
