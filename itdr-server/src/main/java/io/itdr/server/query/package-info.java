/**
 * What the API and the metrics read, as interfaces the stores implement: controllers never reach
 * a store (or write the ledger) themselves. The records here are also the API's response shapes.
 */
package io.itdr.server.query;
