package io.itdr.server.connector;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns unloadable plugins into Spring Boot's start-up report: each plugin's problem, and how plugins are laid out. */
public class PluginProblemsFailureAnalyzer extends AbstractFailureAnalyzer<PluginProblemsException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PluginProblemsException cause) {
        return new FailureAnalysis("itdr cannot load its connector plugins from " + cause.where() + ":\n  "
                + String.join("\n  ", cause.problems()),
                "Fix or remove the plugins named above. The plugin folder (itdr.plugins.dir, serve --plugins DIR, default plugins/ "
                        + "beside itdr.jar) holds one directory per connector, named after its id (plugins/aws/), with the "
                        + "connector's jar and its dependencies directly inside, and nothing else.", cause);
    }
}
