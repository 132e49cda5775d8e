/** The GitLab connector: settings, the REST API's error mapping, the plugin's entry point. */
package io.itdr.connector.gitlab;
