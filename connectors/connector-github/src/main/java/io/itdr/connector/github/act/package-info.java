/** Containment on GitHub: workflows, deploy keys, fine-grained token grants. */
package io.itdr.connector.github.act;
