package io.itdr.server.security;

import io.itdr.core.audit.AdminChanges;
import io.itdr.core.audit.Ledger;
import io.itdr.server.config.ItdrProperties;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import tools.jackson.databind.json.JsonMapper;

/**
 * Security of the server: stateless bearer authentication (itdr API tokens, and OIDC JWTs when
 * {@code spring.security.oauth2.resourceserver.jwt.*} is set), every endpoint's role from
 * {@link AccessRules}, everything else denied; health is public. No sessions, no CSRF (no cookie
 * ever authenticates), no basic or form login.
 *
 * <p>Action ids contain '/', so the API takes them URL-encoded in one path segment: the firewall
 * lets {@code %2F} through (Tomcat is told to pass it through undecoded, see
 * {@code io.itdr.server.api.WebConfiguration}); both the security rules and Spring MVC match on
 * the same undecoded segments, so an encoded slash can never make a path match another rule.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    ApiTokens apiTokens(DataSource dataSource, Clock clock, Ledger ledger) {
        return new ApiTokens(dataSource, clock, new AdminChanges(ledger));
    }

    @Bean
    BootstrapToken bootstrapToken(ApiTokens tokens, ItdrProperties properties) {
        return new BootstrapToken(tokens, properties.security().bootstrapAdminToken(), System.out);
    }

    @Bean
    BearerAuthentication bearerAuthentication(ApiTokens tokens, ObjectProvider<JwtDecoder> jwtDecoder, ItdrProperties properties) {
        return new BearerAuthentication(tokens, jwtDecoder.getIfAvailable(),
                new JwtCallers(properties.security().jwtRolesClaim(), properties.security().jwtPrincipalClaim()));
    }

    @Bean
    ProblemResponses problemResponses(JsonMapper json) {
        return new ProblemResponses(json);
    }

    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowUrlEncodedSlash(true);
        // Tomcat leaves %2F undecoded, so the servlet path holds a '%'; MVC and the rules decode each segment once
        firewall.setAllowUrlEncodedPercent(true);
        return firewall;
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, BearerAuthentication bearer, ProblemResponses problems,
                                    ItdrProperties properties) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .oauth2ResourceServer(resourceServer -> resourceServer.authenticationManagerResolver(bearer)
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(requests -> {
                    // an error the application already answered is rendered, not re-authorised
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    requests.requestMatchers(AccessRules.PUBLIC.toArray(String[]::new)).permitAll();
                    properties.security().publicPaths().forEach(path -> requests.requestMatchers(path).permitAll());
                    for (AccessRules.Rule rule : AccessRules.RULES) {
                        requests.requestMatchers(rule.matcher()).hasRole(rule.role().label());
                    }
                    requests.anyRequest().denyAll();
                });
        return http.build();
    }
}
