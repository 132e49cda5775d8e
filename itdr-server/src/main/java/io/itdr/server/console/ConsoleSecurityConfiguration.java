package io.itdr.server.console;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

import io.itdr.core.connect.HostContext;
import io.itdr.server.security.Role;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Security of the web console, a filter chain of its own for {@code /console/**} only, ahead of the API's: people sign
 * in with OIDC (authorization code with PKCE, {@link ConsoleRegistration}), the HTTP session (in memory) carries the
 * sign-in, every form carries a CSRF token, and each page is served with a strict Content-Security-Policy (scripts,
 * styles and images from the server only, no inline script, no framing). The API's chain is untouched: it stays
 * stateless and bearer-only, so a console session never authorizes an {@code /api/**} call. Roles are the API's: each
 * console form needs the role its API endpoint needs ({@code io.itdr.server.security.AccessRules}); the finer rules
 * (forcing a rollback, releasing the kill switch) are checked where the form is handled, as on the API.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnConsole
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleSecurityConfiguration {
    /** No inline script or style anywhere; forms post to the server only; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Bean
    ConsoleRegistration consoleRegistration(ConsoleProperties settings) {
        HostContext host = HostContext.of(Clock.systemUTC(), System.getenv());
        return new ConsoleRegistration(settings, reference -> host.resolveSecret(reference).orElse(null));
    }

    /** The session cookie goes along with the identity provider's redirect back (a top-level GET), not with cross-site posts. */
    @Bean
    CookieSameSiteSupplier consoleSessionCookie() {
        return CookieSameSiteSupplier.ofLax().whenHasName("JSESSIONID");
    }

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, ConsoleRegistration registration, ConsoleProperties settings) throws Exception {
        DefaultOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultOAuth2AuthorizationRequestResolver(registration, "/console/oauth2/authorization");
        // PKCE for confidential clients too (public clients get it anyway)
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        http.securityMatcher("/console", "/console/**")
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .oauth2Login(login -> login
                        .clientRegistrationRepository(registration)
                        .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                        .loginPage("/console/login")
                        .authorizationEndpoint(endpoint -> endpoint.baseUri("/console/oauth2/authorization")
                                .authorizationRequestResolver(authorizationRequests))
                        .redirectionEndpoint(endpoint -> endpoint.baseUri("/console/login/oauth2/code/*"))
                        .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new ConsoleUserService(settings)))
                        .defaultSuccessUrl("/console", true)
                        .failureUrl("/console/login?failed"))
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl("/console/login?signed-out")
                        .deleteCookies("JSESSIONID"))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .exceptionHandling(exceptions -> exceptions.accessDeniedPage("/console/denied"))
                .authorizeHttpRequests(requests -> {
                    requests.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD).permitAll();
                    requests.requestMatchers(GET, "/console/login", "/console/console.css").permitAll();
                    requests.requestMatchers(POST, "/console/logout").authenticated();
                    requests.requestMatchers(GET, "/console/denied").authenticated();
                    requests.requestMatchers(POST, "/console/action/approve", "/console/action/reject").hasRole(Role.APPROVER.label());
                    requests.requestMatchers(POST, "/console/action/rollback", "/console/kill-switch").hasRole(Role.RESPONDER.label());
                    requests.requestMatchers(POST, "/console/policy/validate").hasRole(Role.RESPONDER.label());
                    requests.requestMatchers(POST, "/console/policy/dry-run", "/console/policy/activate").hasRole(Role.ADMIN.label());
                    requests.requestMatchers(GET, "/console", "/console/**").hasRole(Role.VIEWER.label());
                    requests.anyRequest().denyAll();
                });
        return http.build();
    }
}
