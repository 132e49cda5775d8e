/** Normalizing the GitHub organization and enterprise audit log: the REST API's pages, exports and streamed files. */
package io.itdr.connector.github.normalize;
