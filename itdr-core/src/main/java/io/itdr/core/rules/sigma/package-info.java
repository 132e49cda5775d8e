/**
 * Sigma rules (the open detection-rule standard, https://github.com/SigmaHQ/sigma-specification)
 * matched against the platform's raw record beside each event: {@link
 * io.itdr.core.rules.sigma.SigmaRuleLoader} reads rule files and refuses, with file, line and
 * reason, any rule using a construct this engine does not implement; {@link
 * io.itdr.core.rules.sigma.SigmaDetector} runs the loaded rules as one detector.
 */
package io.itdr.core.rules.sigma;
