package io.itdr.server.rules;

import io.itdr.core.normalize.Printable;
import io.itdr.core.rules.sigma.RuleRefusal;
import io.itdr.core.rules.sigma.SigmaRuleLoader;
import io.itdr.core.rules.sigma.SigmaRules;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Sigma rules the server runs: the files and folders of {@code itdr.rules.dirs}
 * (comma-separated; none by default). A rule that cannot be run is refused at start-up with its
 * file, line and reason in the log, and the server runs the others; a folder that does not exist
 * stops the start-up.
 */
@Configuration(proxyBeanMethods = false)
public class RulesConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(RulesConfiguration.class);

    @Bean
    SigmaRules sigmaRules(@Value("${itdr.rules.dirs:}") String property) {
        // split here: Spring turns an empty property into a list holding one null
        List<Path> dirs = Arrays.stream(property.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
        return sigmaRules(dirs);
    }

    SigmaRules sigmaRules(List<Path> dirs) {
        if (dirs.isEmpty()) {
            return new SigmaRules(List.of(), List.of(), 0);
        }
        SigmaRules loaded = new SigmaRuleLoader().load(dirs);
        for (RuleRefusal r : loaded.refused()) {
            LOG.warn("rule refused: {}", Printable.escape(r));
        }
        LOG.info("rules from {}: {} loaded ({} active), {} refused", dirs, loaded.rules().size(), loaded.active(), loaded.refused().size());
        return loaded;
    }
}
