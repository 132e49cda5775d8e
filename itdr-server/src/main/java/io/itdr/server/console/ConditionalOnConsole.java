package io.itdr.server.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/** Present only when the console is configured: {@code itdr.console.issuer-uri} and {@code itdr.console.client-id} are set. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@ConditionalOnProperty(prefix = "itdr.console", name = {"issuer-uri", "client-id"})
public @interface ConditionalOnConsole {
}
