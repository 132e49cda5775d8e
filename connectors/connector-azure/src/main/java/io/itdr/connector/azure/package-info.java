/** The Azure and Microsoft Entra connector: sign-in, audit, risk and Activity log telemetry. */
package io.itdr.connector.azure;
