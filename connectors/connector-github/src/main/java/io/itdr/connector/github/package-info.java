/** The GitHub connector: sign-in (token or GitHub App installation), the REST API's error mapping, the plugin's entry point. */
package io.itdr.connector.github;
